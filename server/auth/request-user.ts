import 'server-only';
import type { Db } from '@/db/client';
import { createSession, extendSession, getLiveSession, hasSessions, type LiveSession } from '@/db/queries/sessions';
import { ensureUser, getUserById } from '@/db/queries/users';
import type { User } from '@/db/schema';
import {
  decodeLegacySession,
  decodeSession,
  newUserId,
  readCookie,
  SESSION_COOKIE,
  SESSION_LIFETIME_MS,
  sessionCookieHeader,
  type SessionClaims,
} from '@/server/auth/session';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The cookie's claims when its signature holds, it has not expired and its session was not ended. */
export async function liveSessionOf(db: Db, cookieHeader: string | null | undefined): Promise<SessionClaims | undefined> {
  const claims = decodeSession(readCookie(cookieHeader, SESSION_COOKIE));
  return claims && (await isLive(db, claims)) ? claims : undefined;
}

export async function isLive(db: Db, claims: SessionClaims): Promise<boolean> {
  return (await getLiveSession(db, claims.sessionId, claims.userId)) !== undefined;
}

/** Opens a session for the user (a fresh identity, an access link, a migrated cookie); returns its claims. */
export async function startSession(db: Db, userId: string, accessLinkId?: string): Promise<SessionClaims> {
  const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
  const { id } = await createSession(db, { userId, accessLinkId, expiresAt });
  return { sessionId: id, userId, expiresAt };
}

/** `ide_session=…` for a new session of the user: what tests and benchmarks send. */
export async function sessionCookieFor(db: Db, userId: string): Promise<string> {
  return sessionCookieHeader(await startSession(db, userId), false).split(';')[0]!;
}

/**
 * The anonymous user behind a request, and its session. A request without a live session gets a new
 * identity (an ended or expired session starts over as a fresh visitor), and `setCookie` receives the
 * header that hands it to the browser. A first-format cookie (no session) is migrated once: only while
 * its user has never had a session, so a copy of it cannot be replayed after the first migration.
 */
export async function userFromRequest(
  db: Db,
  req: { cookie: string | null; secure: boolean },
  setCookie: (header: string) => void,
): Promise<{ user: User; sessionId: string }> {
  const secure = req.secure;
  const value = readCookie(req.cookie, SESSION_COOKIE);
  const claims = decodeSession(value);
  const live = claims && (await getLiveSession(db, claims.sessionId, claims.userId));
  if (claims && live) return keepAlive(db, live, claims, secure, setCookie);
  const legacyUserId = decodeLegacySession(value);
  const legacyUser = legacyUserId ? await getUserById(db, legacyUserId) : undefined;
  const user = legacyUser && !(await hasSessions(db, legacyUser.id)) ? legacyUser : await ensureUser(db, newUserId());
  const started = await startSession(db, user.id);
  setCookie(sessionCookieHeader(started, secure));
  return { user, sessionId: started.sessionId };
}

/** A live session's user; its expiry slides, written at most once a day: a browser in use stays signed in. */
export async function keepAlive(
  db: Db,
  live: LiveSession,
  claims: SessionClaims,
  secure: boolean,
  setCookie: (header: string) => void,
): Promise<{ user: User; sessionId: string }> {
  if (renewalDue(live.expiresAt)) {
    const expiresAt = new Date(Date.now() + SESSION_LIFETIME_MS);
    await extendSession(db, live.id, expiresAt);
    setCookie(sessionCookieHeader({ ...claims, expiresAt }, secure));
  }
  return { user: live.user, sessionId: live.id };
}

/** Whether a session expiring at `expiresAt` is extended now (once a day at most). */
export function renewalDue(expiresAt: Date): boolean {
  return expiresAt.getTime() - Date.now() < SESSION_LIFETIME_MS - DAY_MS;
}
