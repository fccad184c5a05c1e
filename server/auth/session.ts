import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { getSessionSecret } from '@/server/auth/secret';

// The identity cookie: `<sessionId>.<userId>.<expires, unix seconds>.<HMAC>`. The signature makes it
// unforgeable, the expiry makes an old copy useless, and the session id lets the server end it (the row
// in the `session` table; see server/auth/request-user.ts). Cookies of the first format (`<userId>.<HMAC>`,
// no session, no expiry) are read by decodeLegacySession only, to migrate them once.

export const SESSION_COOKIE = 'ide_session';
/** A session not used for this long ends; each day of use pushes its end out again. */
export const SESSION_LIFETIME_MS = 365 * 24 * 60 * 60 * 1000;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface SessionClaims {
  sessionId: string;
  userId: string;
  expiresAt: Date;
}

function sign(payload: string): string {
  return createHmac('sha256', getSessionSecret()).update(payload).digest('base64url');
}

function sameSignature(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function encodeSession(claims: SessionClaims): string {
  const body = `${claims.sessionId}.${claims.userId}.${Math.floor(claims.expiresAt.getTime() / 1000)}`;
  return `${body}.${sign(`s2:${body}`)}`;
}

/** The claims of a cookie value, or undefined when it is missing, malformed, forged or expired. */
export function decodeSession(value: string | undefined, now = Date.now()): SessionClaims | undefined {
  const parts = value?.split('.');
  if (parts?.length !== 4) return undefined;
  const [sessionId, userId, expires, signature] = parts as [string, string, string, string];
  if (!uuidPattern.test(sessionId) || !uuidPattern.test(userId) || !/^\d{1,12}$/.test(expires)) return undefined;
  if (!sameSignature(sign(`s2:${sessionId}.${userId}.${expires}`), signature)) return undefined;
  const expiresAt = new Date(Number(expires) * 1000);
  return expiresAt.getTime() > now ? { sessionId, userId, expiresAt } : undefined;
}

/** The user id in a first-format cookie (no session, no expiry), if its signature holds. */
export function decodeLegacySession(value: string | undefined): string | undefined {
  const parts = value?.split('.');
  if (parts?.length !== 2) return undefined;
  const [userId, signature] = parts as [string, string];
  return uuidPattern.test(userId) && sameSignature(sign(`uid:${userId}`), signature) ? userId : undefined;
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** httpOnly (scripts never see it), SameSite=Lax (other sites' requests do not carry it), Secure over https. */
export function sessionCookieHeader(claims: SessionClaims, secure: boolean): string {
  const maxAge = Math.max(0, Math.floor((claims.expiresAt.getTime() - Date.now()) / 1000));
  return [`${SESSION_COOKIE}=${encodeSession(claims)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax', `Max-Age=${maxAge}`, ...(secure ? ['Secure'] : [])].join('; ');
}

export function newUserId(): string {
  return randomUUID();
}
