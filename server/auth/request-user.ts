import 'server-only';
import type { Db } from '@/db/client';
import { ensureUser, getUserById } from '@/db/queries/users';
import type { User } from '@/db/schema';
import { decodeSession, newUserId, readCookie, SESSION_COOKIE, sessionCookieHeader } from '@/server/auth/session';

/**
 * The anonymous user behind a request. A request without a valid cookie gets a new identity,
 * and `setCookie` receives the header that hands it to the browser.
 */
export async function userFromRequest(
  db: Db,
  req: { cookie: string | null; secure: boolean },
  setCookie: (header: string) => void,
): Promise<User> {
  const existingId = decodeSession(readCookie(req.cookie, SESSION_COOKIE));
  if (existingId) {
    const found = await getUserById(db, existingId);
    if (found) return found;
    return ensureUser(db, existingId);
  }
  const created = await ensureUser(db, newUserId());
  setCookie(sessionCookieHeader(created.id, req.secure));
  return created;
}
