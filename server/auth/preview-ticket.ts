import 'server-only';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { getSessionSecret } from '@/server/auth/secret';

// Who may see a host sandbox's preview. Previews live on their own origin
// (http://<port>-<projectId>.<PREVIEW_DOMAIN>/), where the IDE's cookie is never sent, so the IDE page
// asks tRPC (sandbox.previewTicket: the caller's role on the project) for a ticket, a 60-second HMAC
// over user, project and port, and loads the preview through /__ide/enter?ticket=…. The preview proxy
// checks it (and that the user still has a role), then sets a preview cookie on that origin alone,
// signed over project and port, valid for an hour; the page's own requests and its WebSockets carry it.

export const PREVIEW_TICKET_TTL_MS = 60_000;
export const PREVIEW_COOKIE = 'ide_preview';
export const PREVIEW_COOKIE_TTL_MS = 60 * 60 * 1000;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface PreviewTarget {
  projectId: string;
  port: number;
}

function mac(payload: string): string {
  return createHmac('sha256', getSessionSecret()).update(payload).digest('base64url');
}

function same(expected: string, given: string): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

const seconds = (ms: number) => Math.floor(ms / 1000);

export function issuePreviewTicket(userId: string, target: PreviewTarget, now = Date.now()): { ticket: string; expiresAt: Date } {
  const expires = seconds(now + PREVIEW_TICKET_TTL_MS);
  const body = `${userId}.${expires}`;
  return { ticket: `${body}.${mac(`preview-ticket:${target.projectId}:${target.port}:${body}`)}`, expiresAt: new Date(expires * 1000) };
}

/** The user a ticket was issued to, when it is genuine, unexpired and for exactly this project and port. */
export function verifyPreviewTicket(ticket: string | null, target: PreviewTarget, now = Date.now()): string | undefined {
  const parts = ticket?.split('.');
  if (parts?.length !== 3) return undefined;
  const [userId, expires, signature] = parts as [string, string, string];
  if (!uuid.test(userId) || !/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= now) return undefined;
  return same(mac(`preview-ticket:${target.projectId}:${target.port}:${userId}.${expires}`), signature) ? userId : undefined;
}

/** The preview origin's cookie for a user: who it was issued to, so every request can ask the access policy again. */
export function previewCookieValue(target: PreviewTarget, userId: string, now = Date.now()): string {
  const expires = seconds(now + PREVIEW_COOKIE_TTL_MS);
  return `${userId}.${expires}.${mac(`preview-cookie:${target.projectId}:${target.port}:${userId}.${expires}`)}`;
}

/** The user a preview cookie was issued to, when it is genuine, unexpired and for exactly this project and port. */
export function verifyPreviewCookie(value: string | undefined, target: PreviewTarget, now = Date.now()): string | undefined {
  const parts = value?.split('.');
  if (parts?.length !== 3) return undefined;
  const [userId, expires, signature] = parts as [string, string, string];
  if (!uuid.test(userId) || !/^\d{1,12}$/.test(expires) || Number(expires) * 1000 <= now) return undefined;
  return same(mac(`preview-cookie:${target.projectId}:${target.port}:${userId}.${expires}`), signature) ? userId : undefined;
}

/**
 * The preview cookie's header. The IDE embeds the preview in an iframe of another site (`localhost` and
 * `x.preview.localhost` are different sites), so the cookie must be SameSite=None, which browsers only
 * take with Secure (allowed over http on *.localhost); Partitioned keeps it to the IDE's frame, so it
 * still works where third-party cookies are blocked. Over plain http on another domain, Secure is
 * impossible: then it is SameSite=Lax, which works when IDE and previews share a site.
 */
export function previewCookieHeader(value: string, host: string, https: boolean): string {
  const hostname = host.replace(/:\d+$/, '').toLowerCase();
  const crossSiteOk = https || hostname === 'localhost' || hostname.endsWith('.localhost');
  return [
    `${PREVIEW_COOKIE}=${value}`,
    'Path=/',
    'HttpOnly',
    `Max-Age=${seconds(PREVIEW_COOKIE_TTL_MS)}`,
    ...(crossSiteOk ? ['SameSite=None', 'Secure', 'Partitioned'] : ['SameSite=Lax']),
  ].join('; ');
}
