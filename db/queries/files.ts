import 'server-only';
import { and, asc, count, eq, inArray, lte, sum } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { getBlobs, putBlob, type Tx } from '@/db/queries/blobs';
import { touchProject } from '@/db/queries/projects';
import { blob, projectFile } from '@/db/schema';
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

export interface SearchOptions {
  query: string;
  caseSensitive: boolean;
  wholeWord: boolean;
  /** Stop after this many matching lines across all files. */
  maxMatches: number;
}

export interface SearchMatch {
  line: number;
  /** 1-based column of the match's first character. */
  column: number;
  length: number;
  /** The line's text, cut to at most 200 characters around the match. */
  preview: string;
  previewOffset: number;
}

export interface SearchResult {
  files: { path: string; matches: SearchMatch[] }[];
  truncated: boolean;
}

/** Files larger than this are not searched (generated bundles, data): they would drown the results. */
const SEARCH_MAX_FILE_BYTES = 1024 * 1024;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Plain-text search (no regular expressions: user patterns run on the server, so no ReDoS). */
export async function searchFiles(db: Tx, projectId: string, options: SearchOptions): Promise<SearchResult> {
  const rows = await db
    .select({ path: projectFile.path, content: blob.content })
    .from(projectFile)
    .innerJoin(blob, eq(blob.hash, projectFile.blobHash))
    .where(and(eq(projectFile.projectId, projectId), lte(projectFile.size, SEARCH_MAX_FILE_BYTES)))
    .orderBy(asc(projectFile.path));
  const needle = options.caseSensitive ? options.query : options.query.toLowerCase();
  const files: SearchResult['files'] = [];
  let total = 0;
  for (const row of rows) {
    if (row.content.includes(0)) continue;
    let text: string;
    try {
      text = strictUtf8.decode(row.content);
    } catch {
      continue;
    }
    const matches: SearchMatch[] = [];
    const lines = text.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      const index = findInLine(options.caseSensitive ? line : line.toLowerCase(), needle, options.wholeWord);
      if (index === -1) continue;
      const start = Math.max(0, index - 60);
      matches.push({
        line: i + 1,
        column: index + 1,
        length: needle.length,
        preview: line.slice(start, start + 200),
        previewOffset: index - start,
      });
      if (++total >= options.maxMatches) break;
    }
    if (matches.length > 0) files.push({ path: row.path, matches });
    if (total >= options.maxMatches) return { files, truncated: true };
  }
  return { files, truncated: false };
}

const wordChar = /[\p{L}\p{N}_$]/u;

function findInLine(line: string, needle: string, wholeWord: boolean): number {
  let from = 0;
  for (;;) {
    const index = line.indexOf(needle, from);
    if (index === -1 || !wholeWord) return index;
    const before = line[index - 1];
    const after = line[index + needle.length];
    if ((!before || !wordChar.test(before)) && (!after || !wordChar.test(after))) return index;
    from = index + 1;
  }
}
