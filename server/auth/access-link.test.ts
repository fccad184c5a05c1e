import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { session as sessionTable } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { createTrpcListener } from '@/server/api/http';
import { accessLinkView, switchToAccessLink } from '@/server/auth/access-link';
import { sessionCookieFor, startSession } from '@/server/auth/request-user';
import { getSessionSecret } from '@/server/auth/secret';
import { decodeSession, encodeSession, readCookie, SESSION_COOKIE } from '@/server/auth/session';

// Identity over real HTTP: the tRPC endpoint and the access link's switch route on node:http, a real
// PGlite. `whoami` is what any page load does: tRPC resolves (or issues) the identity from the cookie.

let testDb: TestDb;
let server: http.Server;
let origin: string;

beforeAll(async () => {
  testDb = await createTestDb();
  const trpc = createTrpcListener({ getDb: async () => testDb.db });
  server = http.createServer((req, res) => {
    const switchPath = /^\/a\/([^/]+)\/switch$/.exec(req.url ?? '');
    if (!switchPath || req.method !== 'POST') return trpc(req, res);
    // The switch route is a Next route handler (a fetch Request in, a Response out): adapt it here.
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const request = new Request(`${origin}${req.url}`, { method: 'POST', headers });
    void switchToAccessLink(testDb.db, request, switchPath[1]!).then(async (response) => {
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await testDb.close();
});

const cookieFrom = (res: Response) => {
  const header = res.headers.get('set-cookie');
  return header ? header.split(';')[0]! : undefined;
};

/** The user id this cookie stands for, and the cookie the server hands back (a new identity, or a renewal). */
async function whoami(cookie?: string): Promise<{ id: string; setCookie?: string }> {
  const res = await fetch(`${origin}/api/trpc/auth.me`, { headers: cookie ? { cookie } : {} });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { result: { data: { json: { id: string } } } };
  return { id: body.result.data.json.id, setCookie: cookieFrom(res) };
}

async function call(cookie: string, path: string, input?: unknown): Promise<unknown> {
  const res = await fetch(`${origin}/api/trpc/${path}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ json: input ?? null }),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { result: { data: { json: unknown } } }).result.data.json;
}

/** A user with a live browser session and an access link to it. */
async function owner() {
  const first = await whoami();
  const cookie = first.setCookie!;
  const link = (await call(cookie, 'auth.createAccessLink')) as { id: string; path: string };
  return { id: first.id, cookie, link, token: link.path.split('/').pop()! };
}

const switchTo = (token: string, cookie: string | undefined, headers: Record<string, string>) =>
  fetch(`${origin}/a/${token}/switch`, { method: 'POST', redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });

describe('access links', () => {
  it('the confirmation page reads without using the link or touching the identity', async () => {
    const alice = await owner();
    const visitor = await whoami();
    const sessionsBefore = await testDb.db.select().from(sessionTable);
    const view = await accessLinkView(testDb.db, alice.token, visitor.setCookie!);
    expect(view).toEqual({ status: 'switch', current: { projects: 0, accessLinks: 0 } });
    expect(await accessLinkView(testDb.db, alice.token, alice.cookie)).toEqual({ status: 'current' });
    expect(await accessLinkView(testDb.db, alice.token, null)).toEqual({ status: 'switch', current: null });
    expect(await accessLinkView(testDb.db, 'x'.repeat(32), visitor.setCookie!)).toEqual({ status: 'invalid' });
    expect(await testDb.db.select().from(sessionTable)).toEqual(sessionsBefore);
    expect((await whoami(visitor.setCookie)).id).toBe(visitor.id);
  });

  it.each([
    ['another site', { origin: 'https://evil.example' }],
    ['no Origin', {}],
    ['a null Origin', { origin: 'null' }],
    ['our Origin but a cross-site fetch', { 'sec-fetch-site': 'cross-site' }],
    ['our Origin but a same-site fetch', { 'sec-fetch-site': 'same-site' }],
  ])('a switch POST from %s is refused and changes nothing', async (_name, extra: Record<string, string>) => {
    const alice = await owner();
    const visitor = await whoami();
    const headers = 'sec-fetch-site' in extra ? { origin, ...extra } : extra;
    const res = await switchTo(alice.token, visitor.setCookie, headers);
    expect(res.status).toBe(403);
    expect(res.headers.get('set-cookie')).toBeNull();
    expect(await res.text()).toMatch(/only be confirmed from the access link page/);
    expect((await whoami(visitor.setCookie)).id).toBe(visitor.id);
  });

  it('a same-origin POST switches, and signs out the identity this browser had', async () => {
    const alice = await owner();
    const visitor = await whoami();
    const res = await switchTo(alice.token, visitor.setCookie, { origin, 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/?access=restored');
    const header = res.headers.get('set-cookie')!;
    expect(header).toMatch(/HttpOnly/);
    expect(header).toMatch(/SameSite=Lax/);
    expect(header).toMatch(/Max-Age=\d{8}/);
    expect(header).not.toMatch(/Secure/); // plain http here; https adds it
    const switched = cookieFrom(res)!;
    expect((await whoami(switched)).id).toBe(alice.id);
    const before = await whoami(visitor.setCookie);
    expect(before.id).not.toBe(visitor.id);
    expect(before.id).not.toBe(alice.id);
  });

  it('a bad or revoked token switches nobody', async () => {
    const alice = await owner();
    const visitor = await whoami();
    const bad = await switchTo('not-a-real-token-0000000000', visitor.setCookie, { origin });
    expect([bad.status, bad.headers.get('location'), bad.headers.get('set-cookie')]).toEqual([303, '/?access=invalid', null]);
    await call(alice.cookie, 'auth.revokeAccessLink', { id: alice.link.id });
    const revoked = await switchTo(alice.token, visitor.setCookie, { origin });
    expect([revoked.status, revoked.headers.get('location'), revoked.headers.get('set-cookie')]).toEqual([303, '/?access=invalid', null]);
  });

  it('revoking the link ends the sessions made with it: their next request is a fresh anonymous identity', async () => {
    const alice = await owner();
    const laptop = cookieFrom(await switchTo(alice.token, undefined, { origin }))!;
    expect((await whoami(laptop)).id).toBe(alice.id);
    await call(alice.cookie, 'auth.revokeAccessLink', { id: alice.link.id });
    const after = await whoami(laptop);
    expect(after.id).not.toBe(alice.id);
    expect(after.setCookie).toBeDefined();
    // The browser that created the link stays signed in.
    expect((await whoami(alice.cookie)).id).toBe(alice.id);
  });

  it('"sign out other browsers" ends every other session of the user, not this one', async () => {
    const alice = await owner();
    const phone = cookieFrom(await switchTo(alice.token, undefined, { origin }))!;
    const tablet = cookieFrom(await switchTo(alice.token, undefined, { origin }))!;
    expect(await call(alice.cookie, 'auth.signOutOtherSessions')).toEqual({ ended: 2 });
    expect((await whoami(phone)).id).not.toBe(alice.id);
    expect((await whoami(tablet)).id).not.toBe(alice.id);
    expect((await whoami(alice.cookie)).id).toBe(alice.id);
  });
});

describe('the identity cookie', () => {
  it('is not accepted once its own expiry has passed, though its session lives on', async () => {
    const [user] = await seedUsers(testDb.db, 1);
    const claims = await startSession(testDb.db, user!.id);
    const expired = `${SESSION_COOKIE}=${encodeSession({ ...claims, expiresAt: new Date(Date.now() - 1000) })}`;
    expect((await whoami(expired)).id).not.toBe(user!.id);
    expect((await whoami(`${SESSION_COOKIE}=${encodeSession(claims)}`)).id).toBe(user!.id);
  });

  it('is not accepted when its session has expired in the database, whatever the cookie says', async () => {
    const [user] = await seedUsers(testDb.db, 1);
    const cookie = await sessionCookieFor(testDb.db, user!.id);
    const { sessionId } = decodeSession(readCookie(cookie, SESSION_COOKIE))!;
    await testDb.db.update(sessionTable).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessionTable.id, sessionId));
    expect((await whoami(cookie)).id).not.toBe(user!.id);
  });

  it('is not accepted when forged or pointed at another user', async () => {
    const [alice, bob] = await seedUsers(testDb.db, 2);
    const claims = await startSession(testDb.db, alice!.id);
    const [, , expires, signature] = encodeSession(claims).split('.');
    const swapped = `${SESSION_COOKIE}=${claims.sessionId}.${bob!.id}.${expires}.${signature}`;
    expect((await whoami(swapped)).id).not.toBe(bob!.id);
    const later = `${SESSION_COOKIE}=${claims.sessionId}.${alice!.id}.${Number(expires) + 1000}.${signature}`;
    expect((await whoami(later)).id).not.toBe(alice!.id);
  });

  it('of the first format (no session) is migrated once; a replayed copy is a fresh visitor', async () => {
    const [user] = await seedUsers(testDb.db, 1);
    const signature = createHmac('sha256', getSessionSecret()).update(`uid:${user!.id}`).digest('base64url');
    const legacy = `${SESSION_COOKIE}=${user!.id}.${signature}`;
    // The access link page counts it as an identity this browser would lose.
    const alice = await owner();
    expect(await accessLinkView(testDb.db, alice.token, legacy)).toEqual({ status: 'switch', current: { projects: 0, accessLinks: 0 } });
    const first = await whoami(legacy);
    expect(first.id).toBe(user!.id);
    expect(decodeSession(readCookie(first.setCookie, SESSION_COOKIE))?.userId).toBe(user!.id);
    expect((await whoami(legacy)).id).not.toBe(user!.id);
    expect((await whoami(first.setCookie)).id).toBe(user!.id);
  });

  it('is renewed, at most once a day, while it is used', async () => {
    const [user] = await seedUsers(testDb.db, 1);
    const claims = await startSession(testDb.db, user!.id);
    const fresh = await whoami(`${SESSION_COOKIE}=${encodeSession(claims)}`);
    expect(fresh.setCookie).toBeUndefined();
    const old = new Date(Date.now() + 100 * 24 * 3600 * 1000);
    await testDb.db.update(sessionTable).set({ expiresAt: old }).where(eq(sessionTable.id, claims.sessionId));
    const renewed = await whoami(`${SESSION_COOKIE}=${encodeSession({ ...claims, expiresAt: old })}`);
    expect(renewed.id).toBe(user!.id);
    expect(decodeSession(readCookie(renewed.setCookie, SESSION_COOKIE))!.expiresAt.getTime()).toBeGreaterThan(old.getTime());
  });
});
