import 'server-only';
import { and, asc, count, eq, inArray, sum } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { getBlobs, putBlob, type Tx } from '@/db/queries/blobs';
import { touchProject } from '@/db/queries/projects';
import { projectFile } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { FILE_LIMITS } from '@/lib/files/limits';
import { isWithin } from '@/lib/files/path';

export interface FileEntry {
  path: string;
  size: number;
  version: number;
  hash: string;
  updatedAt: Date;
}

const entryColumns = {
  path: projectFile.path,
  size: projectFile.size,
  version: projectFile.version,
  hash: projectFile.blobHash,
  updatedAt: projectFile.updatedAt,
};

export async function listFiles(db: Tx, projectId: string): Promise<FileEntry[]> {
  return db.select(entryColumns).from(projectFile).where(eq(projectFile.projectId, projectId)).orderBy(asc(projectFile.path));
}

export async function readFile(
  db: Tx,
  projectId: string,
  path: string,
): Promise<(FileEntry & { content: Uint8Array }) | undefined> {
  const [row] = await db
    .select(entryColumns)
    .from(projectFile)
    .where(and(eq(projectFile.projectId, projectId), eq(projectFile.path, path)));
  if (!row) return undefined;
  const blobs = await getBlobs(db, [row.hash]);
  const content = blobs.get(row.hash);
  if (!content) throw new Error(`blob ${row.hash} missing for ${projectId}:${path}`);
  return { ...row, content };
}

async function assertQuota(tx: Tx, projectId: string, addedFiles: number, addedBytes: number): Promise<void> {
  const [usage] = await tx
    .select({ files: count(), bytes: sum(projectFile.size) })
    .from(projectFile)
    .where(eq(projectFile.projectId, projectId));
  const files = (usage?.files ?? 0) + addedFiles;
  const bytes = Number(usage?.bytes ?? 0) + addedBytes;
  if (files > FILE_LIMITS.maxFileCount) {
    throw new AppError('too_large:project', `A project may hold at most ${FILE_LIMITS.maxFileCount} files.`);
  }
  if (bytes > FILE_LIMITS.maxProjectBytes) {
    throw new AppError('too_large:project', `A project may hold at most ${FILE_LIMITS.maxProjectBytes / 1024 / 1024} MiB.`);
  }
}

function assertFileSize(path: string, bytes: Uint8Array): void {
  if (bytes.byteLength > FILE_LIMITS.maxFileBytes) {
    throw new AppError(
      'too_large:file',
      `"${path}" is ${bytes.byteLength} bytes; a file may be at most ${FILE_LIMITS.maxFileBytes / 1024 / 1024} MiB.`,
    );
  }
}

/** A new path may not equal an existing file, sit inside one, or be a folder that already has files. */
async function assertPathFree(tx: Tx, projectId: string, path: string, ignore: string[] = []): Promise<void> {
  const paths = (await tx.select({ path: projectFile.path }).from(projectFile).where(eq(projectFile.projectId, projectId)))
    .map((r) => r.path)
    .filter((p) => !ignore.includes(p));
  const clash = paths.find((p) => p === path || isWithin(p, path) || isWithin(path, p));
  if (clash) throw new AppError('conflict:file', `"${path}" already exists (${clash === path ? 'a file' : `clashes with "${clash}"`}).`);
}

export async function createFiles(
  db: Tx,
  projectId: string,
  files: { path: string; content: Uint8Array }[],
): Promise<FileEntry[]> {
  for (const f of files) assertFileSize(f.path, f.content);
  return db.transaction(async (tx) => {
    await assertQuota(tx, projectId, files.length, files.reduce((n, f) => n + f.content.byteLength, 0));
    const created: FileEntry[] = [];
    for (const f of files) {
      await assertPathFree(tx, projectId, f.path);
      const hash = await putBlob(tx, f.content);
      const [row] = await tx
        .insert(projectFile)
        .values({ projectId, path: f.path, blobHash: hash, size: f.content.byteLength })
        .returning(entryColumns);
      if (row) created.push(row);
    }
    await touchProject(tx, projectId);
    return created;
  });
}

/** Overwrites a file only if it is still at `expectedVersion`; otherwise a conflict, nothing written. */
export async function writeFile(
  db: Db,
  input: { projectId: string; path: string; content: Uint8Array; expectedVersion: number },
): Promise<FileEntry> {
  const { projectId, path, content, expectedVersion } = input;
  assertFileSize(path, content);
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select(entryColumns)
      .from(projectFile)
      .where(and(eq(projectFile.projectId, projectId), eq(projectFile.path, path)))
      .for('update');
    if (!current) throw new AppError('not_found:file', `"${path}" does not exist.`);
    if (current.version !== expectedVersion) {
      throw new AppError(
        'conflict:file',
        `"${path}" is at version ${current.version}, not ${expectedVersion}: it changed since you loaded it. Nothing was overwritten.`,
      );
    }
    await assertQuota(tx, projectId, 0, content.byteLength - current.size);
    const hash = await putBlob(tx, content);
    const [row] = await tx
      .update(projectFile)
      .set({ blobHash: hash, size: content.byteLength, version: current.version + 1 })
      .where(and(eq(projectFile.projectId, projectId), eq(projectFile.path, path)))
      .returning(entryColumns);
    if (!row) throw new Error('file update returned nothing');
    await touchProject(tx, projectId);
    return row;
  });
}

/** Moves a file, or a folder with everything in it. */
export async function renamePath(db: Db, projectId: string, from: string, to: string): Promise<number> {
  if (isWithin(to, from)) throw new AppError('bad_request:file', `Cannot move "${from}" into itself.`);
  return db.transaction(async (tx) => {
    const moving = (await listFiles(tx, projectId)).filter((f) => isWithin(f.path, from));
    if (moving.length === 0) throw new AppError('not_found:file', `"${from}" does not exist.`);
    await assertPathFree(tx, projectId, to, moving.map((f) => f.path));
    for (const f of moving) {
      await tx
        .update(projectFile)
        .set({ path: to + f.path.slice(from.length), version: f.version + 1 })
        .where(and(eq(projectFile.projectId, projectId), eq(projectFile.path, f.path)));
    }
    await touchProject(tx, projectId);
    return moving.length;
  });
}

/** Deletes a file, or a folder with everything in it. */
export async function deletePath(db: Db, projectId: string, path: string): Promise<number> {
  return db.transaction(async (tx) => {
    const doomed = (await listFiles(tx, projectId)).filter((f) => isWithin(f.path, path)).map((f) => f.path);
    if (doomed.length === 0) throw new AppError('not_found:file', `"${path}" does not exist.`);
    await tx.delete(projectFile).where(and(eq(projectFile.projectId, projectId), inArray(projectFile.path, doomed)));
    await touchProject(tx, projectId);
    return doomed.length;
  });
}
