import 'server-only';
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { touchProject } from '@/db/queries/projects';
import { listStudents } from '@/db/queries/workshops';
import { projectFile, type Workshop } from '@/db/schema';

// "Push starter files": what the teacher added to (or changed in) the starter since a student joined goes
// into that student's fork — rows pointing at the same blobs. A path the student has not touched since the
// fork (still its first version, from the fork itself) takes the teacher's new contents; a path the student
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
      const fresh = await tx
        .select({ path: projectFile.path, blobHash: projectFile.blobHash, size: projectFile.size })
        .from(projectFile)
        .where(and(eq(projectFile.projectId, w.starterProjectId), gt(projectFile.updatedAt, student.joinedAt)));
      if (fresh.length === 0) return;
      const mine = await tx
        .select({ path: projectFile.path, blobHash: projectFile.blobHash, version: projectFile.version, updatedAt: projectFile.updatedAt })
        .from(projectFile)
        .where(eq(projectFile.projectId, student.forkProjectId));
      const byPath = new Map(mine.map((f) => [f.path, f]));
      const toAdd = [];
      for (const file of fresh) {
        const theirs = byPath.get(file.path);
        if (theirs?.blobHash === file.blobHash) continue;
        // Untouched since the fork: written by the fork itself (before the join) and never since.
        if (theirs && theirs.version === 1 && theirs.updatedAt <= student.joinedAt) {
          await tx
            .update(projectFile)
            .set({ blobHash: file.blobHash, size: file.size, version: 2 })
            .where(and(eq(projectFile.projectId, student.forkProjectId), eq(projectFile.path, file.path), eq(projectFile.version, 1)));
          result.updated++;
          continue;
        }
        if (theirs !== undefined || mine.some((f) => clashes(f.path, file.path))) {
          result.conflicts.push({ displayName: student.displayName, projectId: student.forkProjectId, path: file.path });
          continue;
        }
        toAdd.push({ projectId: student.forkProjectId, path: file.path, blobHash: file.blobHash, size: file.size });
      }
      if (toAdd.length > 0) {
        const inserted = await tx.insert(projectFile).values(toAdd).onConflictDoNothing().returning({ path: projectFile.path });
        result.added += inserted.length;
      }
      await touchProject(tx, student.forkProjectId);
    });
  }
  return result;
}
