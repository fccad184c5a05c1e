import 'server-only';
import { createHash } from 'node:crypto';
import type { Db } from '@/db/client';
import { hasSessions, revokeSession } from '@/db/queries/sessions';
import { findAccessLink, identitySummary, redeemAccessLink } from '@/db/queries/users';
import { liveSessionOf, startSession } from '@/server/auth/request-user';
import { decodeLegacySession, readCookie, SESSION_COOKIE, sessionCookieHeader } from '@/server/auth/session';

// /a/<token>: an access link. GET shows what switching would do (app/a/[token]/page.tsx, changes nothing,
// so another site linking or framing it signs nobody in); the page's button POSTs /a/<token>/switch,
// which only our own pages can do (Origin and Sec-Fetch-Site), and which opens a session tied to the
// link: revoking the link ends it.

const tokenPattern = /^[A-Za-z0-9_-]{16,64}$/;

export function hashAccessToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export type AccessLinkView =
  | { status: 'invalid' }
  | { status: 'current' }
  /** `current` is null when this browser has no identity yet (nothing is lost by switching). */
  | { status: 'switch'; current: { projects: number; accessLinks: number } | null };

/** A first-format cookie's user, while it may still be migrated (server/auth/request-user). */
async function legacyUserOf(db: Db, cookieHeader: string | null): Promise<string | undefined> {
  const userId = decodeLegacySession(readCookie(cookieHeader, SESSION_COOKIE));
  return userId && !(await hasSessions(db, userId)) ? userId : undefined;
}

/** What the confirmation page shows for this token and this browser's cookie. Reads only. */
export async function accessLinkView(db: Db, token: string, cookieHeader: string | null): Promise<AccessLinkView> {
  if (!tokenPattern.test(token)) return { status: 'invalid' };
  const link = await findAccessLink(db, hashAccessToken(token));
  if (!link) return { status: 'invalid' };
  const currentId = (await liveSessionOf(db, cookieHeader))?.userId ?? (await legacyUserOf(db, cookieHeader));
  if (!currentId) return { status: 'switch', current: null };
  if (currentId === link.userId) return { status: 'current' };
  return { status: 'switch', current: await identitySummary(db, currentId) };
}

/**
 * True when the request comes from one of our own pages. Browsers send Origin on every POST, and
 * Sec-Fetch-Site where they support it; a request without Origin is refused (a form on another site
 * cannot leave it out, and no browser-made POST lacks it).
 */
export function isSameOriginPost(req: Request): boolean {
  const site = req.headers.get('sec-fetch-site');
  if (site !== null && site !== 'same-origin') return false;
  const origin = req.headers.get('origin');
  const host = req.headers.get('host');
  if (!origin || origin === 'null' || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const refused = () =>
  new Response('This sign-in can only be confirmed from the access link page of this site. Open the link again and press the button there.\n', {
    status: 403,
    headers: { 'content-type': 'text/plain; charset=utf-8' },
  });

/** POST /a/<token>/switch: this browser becomes the link's user; the identity it had here is signed out. */
export async function switchToAccessLink(db: Db, req: Request, token: string): Promise<Response> {
  if (!isSameOriginPost(req)) return refused();
  const url = new URL(req.url);
  const go = (access: string, cookie?: string) => {
    const home = new URL('/', url);
    home.searchParams.set('access', access);
    const headers = new Headers({ location: `${home.pathname}${home.search}` });
    if (cookie) headers.set('set-cookie', cookie);
    return new Response(null, { status: 303, headers });
  };
  if (!tokenPattern.test(token)) return go('invalid');
  const link = await redeemAccessLink(db, hashAccessToken(token));
  if (!link) return go('invalid');
  const previous = await liveSessionOf(db, req.headers.get('cookie'));
  if (previous?.userId === link.userId) return go('restored');
  if (previous) await revokeSession(db, previous.sessionId);
  const started = await startSession(db, link.userId, link.id);
  return go('restored', sessionCookieHeader(started, url.protocol === 'https:'));
}
