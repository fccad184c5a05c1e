import 'server-only';
import { isNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { touchProject } from '@/db/queries/projects';
import { insertFirstChange, liveEntries, pastRemoved } from '@/db/queries/tree';
import { listStudents } from '@/db/queries/workshops';
import { projectFile, type Workshop } from '@/db/schema';

// "Push starter files": what the teacher added to (or changed in) the starter since a student joined goes
// into that student's fork — rows pointing at the same blobs. A path the student has not touched since the
// fork (still the fork's base file, at version 1) takes the teacher's new contents; a path the student
// edited or created (or a file where a folder would go, or the reverse) is listed as a conflict and kept as
// it is. Starter files older than the student's join are left alone, so a file the student deleted on
// purpose does not come back.

export interface PushResult {
  added: number;
  /** Files the student had not touched since the fork, now at the teacher's version. */
  updated: number;
  conflicts: { displayName: string; projectId: string; path: string }[];
}

const clashes = (a: string, b: string) => a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

export async function pushStarter(db: Db, w: Pick<Workshop, 'id' | 'starterProjectId'>): Promise<PushResult> {
  const result: PushResult = { added: 0, updated: 0, conflicts: [] };
  for (const student of await listStudents(db, w.id)) {
    await db.transaction(async (tx) => {
      const fresh = (await liveEntries(tx, w.starterProjectId)).filter((f) => f.updatedAt > student.joinedAt);
      if (fresh.length === 0) return;
      const mine = await liveEntries(tx, student.forkProjectId);
      const byPath = new Map(mine.map((f) => [f.path, f]));
      const toAdd = [];
      for (const file of fresh) {
        const theirs = byPath.get(file.path);
        if (theirs?.hash === file.hash) continue;
        // Untouched since the fork: the fork's base file (version 1, as of the fork, before the join).
        if (theirs && theirs.version === 1 && theirs.updatedAt <= student.joinedAt) {
          const next = { path: file.path, hash: file.hash, size: file.size, version: 2 };
          if (await insertFirstChange(tx, student.forkProjectId, next)) {
            result.updated++;
            continue;
          }
        }
        if (theirs !== undefined || mine.some((f) => clashes(f.path, file.path))) {
          result.conflicts.push({ displayName: student.displayName, projectId: student.forkProjectId, path: file.path });
          continue;
        }
        toAdd.push({ projectId: student.forkProjectId, path: file.path, blobHash: file.hash, size: file.size, version: pastRemoved(student.forkProjectId, 1) });
      }
      if (toAdd.length > 0) {
        // A new path, or one the student deleted (past what the student removed); never a file they made meanwhile.
        const inserted = await tx
          .insert(projectFile)
          .values(toAdd)
          .onConflictDoUpdate({
            target: [projectFile.projectId, projectFile.path],
            set: { blobHash: sql`excluded.blob_hash`, size: sql`excluded.size`, version: sql`greatest(excluded.version, ${projectFile.version} + 1)`, updatedAt: sql`now()` },
            setWhere: isNull(projectFile.blobHash),
          })
          .returning({ path: projectFile.path });
        result.added += inserted.length;
      }
      await touchProject(tx, student.forkProjectId);
    });
  }
  return result;
}
