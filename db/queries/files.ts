import 'server-only';
import { and, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { getBlobs, putBlob, type Tx } from '@/db/queries/blobs';
import { touchProject } from '@/db/queries/projects';
import { createEntry, insertFirstChange, liveEntries, liveEntry, liveUsage, putEntry, removeEntries, type FileEntry } from '@/db/queries/tree';
import { projectFile } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { FILE_LIMITS } from '@/lib/files/limits';
import { isWithin } from '@/lib/files/path';

export type { FileEntry } from '@/db/queries/tree';

export async function listFiles(db: Tx, projectId: string): Promise<FileEntry[]> {
  return liveEntries(db, projectId);
}

export async function readFile(
  db: Tx,
  projectId: string,
  path: string,
): Promise<(FileEntry & { content: Uint8Array }) | undefined> {
  const row = await liveEntry(db, projectId, path);
  if (!row) return undefined;
  const blobs = await getBlobs(db, [row.hash]);
  const content = blobs.get(row.hash);
  if (!content) throw new Error(`blob ${row.hash} missing for ${projectId}:${path}`);
  return { ...row, content };
}

async function assertQuota(tx: Tx, projectId: string, addedFiles: number, addedBytes: number): Promise<void> {
  const usage = await liveUsage(tx, projectId);
  const files = usage.files + addedFiles;
  const bytes = usage.bytes + addedBytes;
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
  const paths = (await liveEntries(tx, projectId)).map((r) => r.path).filter((p) => !ignore.includes(p));
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
      // Past every version removed from the project, so a tab holding a deleted file here cannot overwrite it (tree.ts).
      created.push(await createEntry(tx, projectId, { path: f.path, hash, size: f.content.byteLength, version: 1 }));
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
    // Lock the own row when there is one; a base file has none, and its first change is an insert that fails
    // when a concurrent write made the row first.
    const [own] = await tx
      .select({ path: projectFile.path })
      .from(projectFile)
      .where(and(eq(projectFile.projectId, projectId), eq(projectFile.path, path)))
      .for('update');
    const current = await liveEntry(tx, projectId, path);
    if (!current) throw new AppError('not_found:file', `"${path}" does not exist.`);
    const stale = () =>
      new AppError(
        'conflict:file',
        `"${path}" is at version ${current.version}, not ${expectedVersion}: it changed since you loaded it. Nothing was overwritten.`,
      );
    if (current.version !== expectedVersion) throw stale();
    await assertQuota(tx, projectId, 0, content.byteLength - current.size);
    const hash = await putBlob(tx, content);
    const next = { path, hash, size: content.byteLength, version: current.version + 1 };
    const row = own ? await putEntry(tx, projectId, next) : await insertFirstChange(tx, projectId, next);
    if (!row) throw stale();
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
    await removeEntries(tx, projectId, moving.map((f) => f.path));
    for (const f of moving) {
      await createEntry(tx, projectId, { path: to + f.path.slice(from.length), hash: f.hash, size: f.size, version: f.version + 1 });
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
    await removeEntries(tx, projectId, doomed);
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
  const entries = await liveEntries(db, projectId, { maxSize: SEARCH_MAX_FILE_BYTES });
  const blobs = await getBlobs(db, [...new Set(entries.map((e) => e.hash))]);
  const rows = entries.map((e) => ({ path: e.path, content: blobs.get(e.hash) ?? new Uint8Array() }));
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
