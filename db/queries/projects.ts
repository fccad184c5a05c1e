import 'server-only';
import { count, desc, eq, or, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { Db } from '@/db/client';
import type { Tx } from '@/db/queries/blobs';
import { project, projectMember, user, type Project, type ProjectSettings } from '@/db/schema';

export const projectColumns = {
  id: project.id,
  ownerId: project.ownerId,
  title: project.title,
  template: project.template,
  visibility: project.visibility,
  forkedFromId: project.forkedFromId,
  settings: project.settings,
  createdAt: project.createdAt,
  updatedAt: project.updatedAt,
};

export type ProjectSummary = Pick<
  Project,
  'id' | 'ownerId' | 'title' | 'template' | 'visibility' | 'forkedFromId' | 'settings' | 'createdAt' | 'updatedAt'
>;

export async function getProjectById(db: Tx, id: string): Promise<ProjectSummary | undefined> {
  const [row] = await db.select(projectColumns).from(project).where(eq(project.id, id));
  return row;
}

const source = alias(project, 'source');

/** A fork's source title, only when `userId` owns or is a member of the source (a rename must not leak). */
const visibleSourceTitle = (userId: string) =>
  sql<string | null>`case when ${or(
    eq(source.ownerId, userId),
    sql`exists (select 1 from ${projectMember} where ${projectMember.projectId} = ${source.id} and ${projectMember.userId} = ${userId})`,
  )} then ${source.title} end`;

export async function listProjectsByOwner(db: Db, ownerId: string): Promise<(ProjectSummary & { forkedFromTitle: string | null })[]> {
  return db
    .select({ ...projectColumns, forkedFromTitle: visibleSourceTitle(ownerId) })
    .from(project)
    .leftJoin(source, eq(source.id, project.forkedFromId))
    .where(eq(project.ownerId, ownerId))
    .orderBy(desc(project.updatedAt));
}

/**
 * Projects the user owns, counted under a lock on the user's row: concurrent creates by the same user
 * wait for each other, so a cap checked with this holds (call it inside the creating transaction).
 */
export async function countOwnedProjectsForUpdate(tx: Tx, ownerId: string): Promise<number> {
  await tx.select({ id: user.id }).from(user).where(eq(user.id, ownerId)).for('update');
  const [row] = await tx.select({ n: count() }).from(project).where(eq(project.ownerId, ownerId));
  return row?.n ?? 0;
}

export async function insertProject(
  db: Tx,
  input: { ownerId: string; title: string; template: string | null },
): Promise<ProjectSummary> {
  const [row] = await db.insert(project).values(input).returning(projectColumns);
  if (!row) throw new Error('project insert returned nothing');
  return row;
}

export async function renameProject(db: Db, id: string, title: string): Promise<ProjectSummary | undefined> {
  const [row] = await db.update(project).set({ title }).where(eq(project.id, id)).returning(projectColumns);
  return row;
}

export async function deleteProject(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(project).where(eq(project.id, id)).returning({ id: project.id });
  return rows.length > 0;
}

export async function touchProject(db: Tx, id: string): Promise<void> {
  await db.update(project).set({ updatedAt: new Date() }).where(eq(project.id, id));
}

/** Merges the given settings into the stored ones; returns the new settings. */
export async function updateProjectSettings(db: Db, id: string, patch: ProjectSettings): Promise<ProjectSettings | undefined> {
  return db.transaction(async (tx) => {
    const [row] = await tx.select({ settings: project.settings }).from(project).where(eq(project.id, id)).for('update');
    if (!row) return undefined;
    const settings = { ...row.settings, ...patch };
    await tx.update(project).set({ settings }).where(eq(project.id, id));
    return settings;
  });
}
