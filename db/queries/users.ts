import 'server-only';
import { and, count, eq, isNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accessLink, project, user, type User } from '@/db/schema';

export async function getUserById(db: Db, id: string): Promise<User | undefined> {
  const [row] = await db.select().from(user).where(eq(user.id, id));
  return row;
}

/** Creates the anonymous user behind a freshly issued cookie, or returns it if it exists. */
export async function ensureUser(db: Db, id: string): Promise<User> {
  const [inserted] = await db.insert(user).values({ id }).onConflictDoNothing().returning();
  if (inserted) return inserted;
  const existing = await getUserById(db, id);
  if (!existing) throw new Error(`user ${id} vanished while being ensured`);
  return existing;
}

export async function createAccessLink(db: Db, userId: string, tokenHash: string): Promise<{ id: string }> {
  const [row] = await db.insert(accessLink).values({ userId, tokenHash }).returning({ id: accessLink.id });
  if (!row) throw new Error('access link insert returned nothing');
  return row;
}

/** The live link with this hash, without using it (the confirmation page). */
export async function findAccessLink(db: Db, tokenHash: string): Promise<{ id: string; userId: string } | undefined> {
  const [row] = await db
    .select({ id: accessLink.id, userId: accessLink.userId })
    .from(accessLink)
    .where(and(eq(accessLink.tokenHash, tokenHash), isNull(accessLink.revokedAt)));
  return row;
}

export async function redeemAccessLink(db: Db, tokenHash: string): Promise<{ id: string; userId: string } | undefined> {
  const [row] = await db
    .update(accessLink)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(accessLink.tokenHash, tokenHash), isNull(accessLink.revokedAt)))
    .returning({ id: accessLink.id, userId: accessLink.userId });
  return row;
}

/** What a browser would lose by switching away from this identity: its projects and its ways back. */
export async function identitySummary(db: Db, userId: string): Promise<{ projects: number; accessLinks: number }> {
  const [projects] = await db.select({ n: count() }).from(project).where(eq(project.ownerId, userId));
  const [links] = await db
    .select({ n: count() })
    .from(accessLink)
    .where(and(eq(accessLink.userId, userId), isNull(accessLink.revokedAt)));
  return { projects: projects?.n ?? 0, accessLinks: links?.n ?? 0 };
}

export async function listAccessLinks(db: Db, userId: string) {
  return db
    .select({ id: accessLink.id, createdAt: accessLink.createdAt, lastUsedAt: accessLink.lastUsedAt })
    .from(accessLink)
    .where(and(eq(accessLink.userId, userId), isNull(accessLink.revokedAt)));
}

export async function revokeAccessLink(db: Db, userId: string, id: string): Promise<boolean> {
  const rows = await db
    .update(accessLink)
    .set({ revokedAt: new Date() })
    .where(and(eq(accessLink.id, id), eq(accessLink.userId, userId), isNull(accessLink.revokedAt)))
    .returning({ id: accessLink.id });
  return rows.length > 0;
}
