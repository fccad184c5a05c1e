import 'server-only';
import type { Db } from '@/db/client';
import { getBlobs, hashBytes, putBlob } from '@/db/queries/blobs';
import { listFiles, type FileEntry } from '@/db/queries/files';
import { touchProject } from '@/db/queries/projects';
import { putEntry, removeEntries } from '@/db/queries/tree';
import { FILE_LIMITS } from '@/lib/files/limits';
import { isWithin } from '@/lib/files/path';

// What the sandbox sync (lib/sandbox/sync.ts) needs from the database: the whole tree with contents
// (to mount a sandbox) and a batch of changes made inside the sandbox (terminal, npm, agent commands).
// A change from the sandbox is what is on disk there now, so it is applied whatever the version was —
// like a file saved by another program; an editor holding unsaved edits of it sees a conflict.

export async function snapshotFiles(db: Db, projectId: string): Promise<(FileEntry & { content: Uint8Array })[]> {
  const files = await listFiles(db, projectId);
  const blobs = await getBlobs(db, [...new Set(files.map((f) => f.hash))]);
  return files.map((f) => {
    const content = blobs.get(f.hash);
    if (!content) throw new Error(`blob ${f.hash} missing for ${projectId}:${f.path}`);
    return { ...f, content };
  });
}

export interface SandboxChanges {
  put: { path: string; content: Uint8Array }[];
  remove: string[];
}

export interface AppliedChanges {
  written: { path: string; version: number; hash: string }[];
  removed: string[];
  /** Changes left out, with why (a file too large, a path that clashes with a folder). */
  skipped: { path: string; reason: string }[];
}

export async function applySandboxChanges(db: Db, projectId: string, changes: SandboxChanges): Promise<AppliedChanges> {
  return db.transaction(async (tx) => {
    const result: AppliedChanges = { written: [], removed: [], skipped: [] };
    const current = new Map((await listFiles(tx, projectId)).map((f) => [f.path, f]));
    const doomed = [...current.keys()].filter((p) => changes.remove.some((r) => isWithin(p, r)));
    if (doomed.length > 0) {
      await removeEntries(tx, projectId, doomed);
      for (const p of doomed) current.delete(p);
      result.removed.push(...doomed);
    }
    let count = current.size;
    let bytes = [...current.values()].reduce((n, f) => n + f.size, 0);
    for (const { path, content } of changes.put) {
      const existing = current.get(path);
      const hash = hashBytes(content);
      if (existing?.hash === hash) continue;
      const clash = !existing && [...current.keys()].find((p) => isWithin(p, path) || isWithin(path, p));
      const grows = content.byteLength - (existing?.size ?? 0);
      const reason =
        content.byteLength > FILE_LIMITS.maxFileBytes
          ? `larger than ${FILE_LIMITS.maxFileBytes / 1024 / 1024} MiB`
          : clash
            ? `clashes with "${clash}"`
            : !existing && count + 1 > FILE_LIMITS.maxFileCount
              ? `the project already holds ${FILE_LIMITS.maxFileCount} files`
              : bytes + grows > FILE_LIMITS.maxProjectBytes
                ? `the project would exceed ${FILE_LIMITS.maxProjectBytes / 1024 / 1024} MiB`
                : null;
      if (reason) {
        result.skipped.push({ path, reason });
        continue;
      }
      await putBlob(tx, content);
      const row = await putEntry(tx, projectId, { path, hash, size: content.byteLength, version: existing ? existing.version + 1 : 1 });
      if (!existing) count += 1;
      bytes += grows;
      current.set(path, row);
      result.written.push({ path, version: row.version, hash });
    }
    if (result.written.length + result.removed.length > 0) await touchProject(tx, projectId);
    return result;
  });
}
