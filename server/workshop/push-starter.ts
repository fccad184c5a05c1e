import 'server-only';
import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { touchProject } from '@/db/queries/projects';
import { listStudents } from '@/db/queries/workshops';
import { projectFile, type Workshop } from '@/db/schema';

// "Push starter files": what the teacher added to (or changed in) the starter since a student joined goes
// into that student's fork — rows pointing at the same blobs — unless the student has the path already
// with other contents (or a file where a folder would go, or the reverse): those are listed as conflicts
// and nothing of the student's is overwritten. Starter files older than the student's join are left
// alone, so a file the student deleted on purpose does not come back.

export interface PushResult {
  added: number;
  conflicts: { displayName: string; projectId: string; path: string }[];
}

const clashes = (a: string, b: string) => a.startsWith(`${b}/`) || b.startsWith(`${a}/`);

export async function pushStarter(db: Db, w: Pick<Workshop, 'id' | 'starterProjectId'>): Promise<PushResult> {
  const result: PushResult = { added: 0, conflicts: [] };
  for (const student of await listStudents(db, w.id)) {
    await db.transaction(async (tx) => {
      const fresh = await tx
        .select({ path: projectFile.path, blobHash: projectFile.blobHash, size: projectFile.size })
        .from(projectFile)
        .where(and(eq(projectFile.projectId, w.starterProjectId), gt(projectFile.updatedAt, student.joinedAt)));
      if (fresh.length === 0) return;
      const mine = await tx.select({ path: projectFile.path, blobHash: projectFile.blobHash }).from(projectFile).where(eq(projectFile.projectId, student.forkProjectId));
      const byPath = new Map(mine.map((f) => [f.path, f.blobHash]));
      const toAdd = [];
      for (const file of fresh) {
        const theirs = byPath.get(file.path);
        if (theirs === file.blobHash) continue;
        if (theirs !== undefined || mine.some((f) => clashes(f.path, file.path))) {
          result.conflicts.push({ displayName: student.displayName, projectId: student.forkProjectId, path: file.path });
          continue;
        }
        toAdd.push({ projectId: student.forkProjectId, path: file.path, blobHash: file.blobHash, size: file.size });
      }
      if (toAdd.length === 0) return;
      const inserted = await tx.insert(projectFile).values(toAdd).onConflictDoNothing().returning({ path: projectFile.path });
      result.added += inserted.length;
      await touchProject(tx, student.forkProjectId);
    });
  }
  return result;
}
