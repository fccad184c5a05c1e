import 'server-only';
import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { countOwnedProjectsForUpdate, updateProjectSettings } from '@/db/queries/projects';
import { getStudent, getWorkshop, getWorkshopByCode, insertStudent, insertWorkshop } from '@/db/queries/workshops';
import { project, projectMember, type User, type Workshop, type WorkshopSettings } from '@/db/schema';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { requireAccess } from '@/server/access';
import { forkProject } from '@/server/projects/fork';
import { newJoinCode } from '@/server/workshop/code';
import { isEnded } from '@/server/workshop/policy';

// Creating a workshop, joining it, and the teacher check every teacher-only procedure makes.

export async function createWorkshop(
  db: Db,
  teacher: Pick<User, 'id'>,
  input: { projectId: string; title: string; settings: WorkshopSettings; endsAt?: Date },
): Promise<Workshop> {
  await requireAccess(db, input.projectId, teacher.id, 'owner');
  // 31^6 ≈ 887 million codes: a clash is rare, and a clash is retried with a fresh code.
  for (let attempt = 0; attempt < 5; attempt++) {
    const created = await insertWorkshop(db, {
      teacherId: teacher.id,
      starterProjectId: input.projectId,
      title: input.title,
      code: newJoinCode(),
      settings: input.settings,
      endsAt: input.endsAt ?? null,
    });
    if (created) return created;
  }
  throw new Error('could not find a free join code');
}

/** The workshop, if the caller is its teacher; anyone else is told it does not exist. */
export async function requireTeacher(db: Db, workshopId: string, userId: string): Promise<Workshop> {
  const found = await getWorkshop(db, workshopId);
  if (!found || found.teacherId !== userId) throw new AppError('not_found:workshop', 'Workshop not found.');
  return found;
}

/** The workshop's settings forced on a fork (the student cannot change them: they are at most an editor). */
async function forceSettings(db: Db, forkId: string, settings: WorkshopSettings): Promise<void> {
  await updateProjectSettings(db, forkId, { approval: settings.approval, network: settings.network });
}

export interface JoinResult {
  workshopId: string;
  projectId: string;
  rejoined: boolean;
}

/**
 * Joins by code: the caller's own fork of the starter, made once. The same identity coming back (this
 * browser, or another one signed in with an access link) gets the same fork, ended workshop or not.
 */
export async function joinWorkshop(db: Db, student: Pick<User, 'id'>, code: string, displayName: string): Promise<JoinResult> {
  const found = await getWorkshopByCode(db, code);
  if (!found) throw new AppError('not_found:workshop');
  const existing = await getStudent(db, found.id, student.id);
  if (existing) return { workshopId: found.id, projectId: existing.forkProjectId, rejoined: true };
  if (found.teacherId === student.id) throw new AppError('bad_request:workshop', 'You are the teacher of this workshop; open its dashboard instead.');
  if (isEnded(found)) throw new AppError('conflict:workshop', `The workshop "${found.title}" has ended; it takes no new students.`);

  // A fork is a project like any other: it counts against the student's PROJECTS_PER_USER.
  if ((await countOwnedProjectsForUpdate(db, student.id)) >= env.PROJECTS_PER_USER) {
    throw new AppError('rate_limit:project', `You have ${env.PROJECTS_PER_USER} projects, the most one person may have. Delete one to join this workshop.`);
  }
  const fork = await forkProject(db, { sourceProjectId: found.starterProjectId, ownerId: student.id, name: `${found.title} — ${displayName}` });
  await forceSettings(db, fork.id, found.settings);
  const row = await db.transaction(async (tx) => {
    const inserted = await insertStudent(tx, { workshopId: found.id, userId: student.id, displayName, forkProjectId: fork.id });
    // The teacher watches every fork read-only, live.
    if (inserted) await tx.insert(projectMember).values({ projectId: fork.id, userId: found.teacherId, role: 'viewer' }).onConflictDoNothing();
    return inserted;
  });
  if (row) return { workshopId: found.id, projectId: fork.id, rejoined: false };
  // The same identity joined twice at once (two tabs): keep the first fork, drop this one.
  await db.delete(project).where(eq(project.id, fork.id));
  const first = await getStudent(db, found.id, student.id);
  if (!first) throw new Error('join raced and lost its row');
  return { workshopId: found.id, projectId: first.forkProjectId, rejoined: true };
}
