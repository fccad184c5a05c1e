import 'server-only';
import { createHash, randomBytes } from 'node:crypto';
import { and, asc, desc, eq, isNull } from 'drizzle-orm';
import type { Tx } from '@/db/queries/blobs';
import { projectColumns, type ProjectSummary } from '@/db/queries/projects';
import { project, projectInvite, projectMember, user, type ProjectRole } from '@/db/schema';

export type MemberRole = Exclude<ProjectRole, 'owner'>;

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new invite link's secret (shown once; only its hash is kept). */
export async function createInvite(db: Tx, projectId: string, role: MemberRole): Promise<{ id: string; token: string }> {
  const token = randomBytes(24).toString('base64url');
  const [row] = await db.insert(projectInvite).values({ projectId, role, tokenHash: hashToken(token) }).returning({ id: projectInvite.id });
  if (!row) throw new Error('invite insert returned nothing');
  return { id: row.id, token };
}

export async function listInvites(db: Tx, projectId: string): Promise<{ id: string; role: ProjectRole; createdAt: Date }[]> {
  return db
    .select({ id: projectInvite.id, role: projectInvite.role, createdAt: projectInvite.createdAt })
    .from(projectInvite)
    .where(and(eq(projectInvite.projectId, projectId), isNull(projectInvite.revokedAt)))
    .orderBy(desc(projectInvite.createdAt));
}

export async function revokeInvite(db: Tx, projectId: string, inviteId: string): Promise<boolean> {
  const rows = await db
    .update(projectInvite)
    .set({ revokedAt: new Date() })
    .where(and(eq(projectInvite.id, inviteId), eq(projectInvite.projectId, projectId), isNull(projectInvite.revokedAt)))
    .returning({ id: projectInvite.id });
  return rows.length > 0;
}

/** The live invite behind a token, with its project's title. */
export async function inviteByToken(db: Tx, token: string): Promise<{ projectId: string; role: ProjectRole; title: string; ownerId: string } | undefined> {
  const [row] = await db
    .select({ projectId: projectInvite.projectId, role: projectInvite.role, title: project.title, ownerId: project.ownerId })
    .from(projectInvite)
    .innerJoin(project, eq(project.id, projectInvite.projectId))
    .where(and(eq(projectInvite.tokenHash, hashToken(token)), isNull(projectInvite.revokedAt)));
  return row;
}

/** Makes the user a member with the invite's role; a member already there keeps the higher of the two. */
export async function addMember(db: Tx, projectId: string, userId: string, role: MemberRole): Promise<void> {
  const [existing] = await db
    .select({ role: projectMember.role })
    .from(projectMember)
    .where(and(eq(projectMember.projectId, projectId), eq(projectMember.userId, userId)));
  if (existing?.role === 'editor' || existing?.role === role) return;
  await db
    .insert(projectMember)
    .values({ projectId, userId, role })
    .onConflictDoUpdate({ target: [projectMember.projectId, projectMember.userId], set: { role } });
}

export async function listMembers(db: Tx, projectId: string): Promise<{ userId: string; displayName: string | null; role: ProjectRole; createdAt: Date }[]> {
  return db
    .select({ userId: projectMember.userId, displayName: user.displayName, role: projectMember.role, createdAt: projectMember.createdAt })
    .from(projectMember)
    .innerJoin(user, eq(user.id, projectMember.userId))
    .where(eq(projectMember.projectId, projectId))
    .orderBy(asc(projectMember.createdAt));
}

export async function setMemberRole(db: Tx, projectId: string, userId: string, role: MemberRole): Promise<boolean> {
  const rows = await db
    .update(projectMember)
    .set({ role })
    .where(and(eq(projectMember.projectId, projectId), eq(projectMember.userId, userId)))
    .returning({ userId: projectMember.userId });
  return rows.length > 0;
}

export async function removeMember(db: Tx, projectId: string, userId: string): Promise<boolean> {
  const rows = await db
    .delete(projectMember)
    .where(and(eq(projectMember.projectId, projectId), eq(projectMember.userId, userId)))
    .returning({ userId: projectMember.userId });
  return rows.length > 0;
}

/** Projects others own where the user is a member ("Shared with me"), newest first. */
export async function listSharedWith(db: Tx, userId: string): Promise<(ProjectSummary & { role: ProjectRole })[]> {
  return db
    .select({ ...projectColumns, role: projectMember.role })
    .from(projectMember)
    .innerJoin(project, eq(project.id, projectMember.projectId))
    .where(eq(projectMember.userId, userId))
    .orderBy(desc(project.updatedAt));
}
