import 'server-only';
import { and, count, eq, gt, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accessLink, session, user, type User } from '@/db/schema';

export async function createSession(db: Db, input: { userId: string; accessLinkId?: string; expiresAt: Date }): Promise<{ id: string }> {
  const [row] = await db
    .insert(session)
    .values({ userId: input.userId, accessLinkId: input.accessLinkId ?? null, expiresAt: input.expiresAt })
    .returning({ id: session.id });
  if (!row) throw new Error('session insert returned nothing');
  return row;
}

/**
 * The session when it still signs its browser in: this user's, not revoked, not expired, and the access
 * link it came from (if any) not revoked. With its user, read in the same query: every request asks.
 */
export async function getLiveSession(db: Db, id: string, userId: string): Promise<LiveSession | undefined> {
  const [row] = await db
    .select({ id: session.id, expiresAt: session.expiresAt, user })
    .from(session)
    .innerJoin(user, eq(user.id, session.userId))
    .leftJoin(accessLink, eq(accessLink.id, session.accessLinkId))
    .where(isLive(id, userId));
  return row;
}

export interface LiveSession {
  id: string;
  expiresAt: Date;
  user: User;
}

/** The condition of getLiveSession, on `session` joined with its `access_link`. */
function isLive(id: string, userId: string) {
  return and(
    eq(session.id, id),
    eq(session.userId, userId),
    isNull(session.revokedAt),
    gt(session.expiresAt, new Date()),
    or(isNull(session.accessLinkId), isNull(accessLink.revokedAt)),
  );
}

type LiveSessionJson = { id: string; expiresAt: string; user: { id: string; displayName: string | null; createdAt: string; lastSeenAt: string } };

/** getLiveSession as a column of another statement (chat.send reads it with its turn); `toLiveSession` reads its value. */
export function liveSessionColumn(id: string, userId: string) {
  return sql<LiveSessionJson | null>`(select json_build_object('id', ${session.id}, 'expiresAt', ${session.expiresAt},
    'user', json_build_object('id', ${user.id}, 'displayName', ${user.displayName}, 'createdAt', ${user.createdAt}, 'lastSeenAt', ${user.lastSeenAt}))
    from ${session} join ${user} on ${eq(user.id, session.userId)} left join ${accessLink} on ${eq(accessLink.id, session.accessLinkId)}
    where ${isLive(id, userId)})`;
}

export function toLiveSession(value: LiveSessionJson | null): LiveSession | undefined {
  if (!value) return undefined;
  const u = value.user;
  return { id: value.id, expiresAt: new Date(value.expiresAt), user: { id: u.id, displayName: u.displayName, createdAt: new Date(u.createdAt), lastSeenAt: new Date(u.lastSeenAt) } };
}

export async function extendSession(db: Db, id: string, expiresAt: Date): Promise<void> {
  await db.update(session).set({ expiresAt }).where(and(eq(session.id, id), isNull(session.revokedAt)));
}

export async function revokeSession(db: Db, id: string): Promise<void> {
  await db.update(session).set({ revokedAt: new Date() }).where(and(eq(session.id, id), isNull(session.revokedAt)));
}

/** Ends every session of the user but `keepId`; returns how many were ended. */
export async function revokeOtherSessions(db: Db, userId: string, keepId: string): Promise<number> {
  const rows = await db
    .update(session)
    .set({ revokedAt: new Date() })
    .where(and(eq(session.userId, userId), ne(session.id, keepId), isNull(session.revokedAt), gt(session.expiresAt, new Date())))
    .returning({ id: session.id });
  return rows.length;
}

/** Whether the user has ever had a session (false only for identities made before sessions existed). */
export async function hasSessions(db: Db, userId: string): Promise<boolean> {
  const [row] = await db.select({ n: count() }).from(session).where(eq(session.userId, userId));
  return (row?.n ?? 0) > 0;
}
