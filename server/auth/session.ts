import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { getSessionSecret } from '@/server/auth/secret';

export const SESSION_COOKIE = 'ide_session';
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function sign(userId: string): string {
  return createHmac('sha256', getSessionSecret()).update(`uid:${userId}`).digest('base64url');
}

export function encodeSession(userId: string): string {
  return `${userId}.${sign(userId)}`;
}

/** The user id in a cookie value, or undefined when it is missing, malformed or forged. */
export function decodeSession(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const [userId, signature] = value.split('.');
  if (!userId || !signature || !uuidPattern.test(userId)) return undefined;
  const expected = Buffer.from(sign(userId));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given) ? userId : undefined;
}

export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

export function sessionCookieHeader(userId: string, secure: boolean): string {
  return [
    `${SESSION_COOKIE}=${encodeSession(userId)}`,
    'Path=/',
    'HttpOnly',
    'SameSite=Lax',
    `Max-Age=${ONE_YEAR_SECONDS}`,
    ...(secure ? ['Secure'] : []),
  ].join('; ');
}

export function newUserId(): string {
  return randomUUID();
}
