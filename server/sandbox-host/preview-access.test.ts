import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WS from 'ws';
import { getUserById } from '@/db/queries/users';
import { DEV_SERVER_SOURCE } from '@/lib/sandbox/conformance/dev-server';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import { previewEntryUrl } from '@/lib/stores/preview';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { issuePreviewTicket, PREVIEW_COOKIE, previewCookieValue, PREVIEW_TICKET_TTL_MS } from '@/server/auth/preview-ticket';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// Who may see a host sandbox's preview, over real HTTP through the preview proxy to a real dev server in
// bubblewrap: a ticket from tRPC (the caller's role), then a cookie on the preview origin; nothing else.

const PORT = 4174;
let server: SandboxTestServer;
let sandbox: HostSandbox;
let url: string;

beforeAll(async () => {
  server = await startSandboxTestServer();
  sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
  await sandbox.fs.writeFile('server.js', DEV_SERVER_SOURCE);
  const ready = new Promise<string>((resolve) => sandbox.onServerReady((e) => e.port === PORT && resolve(e.url)));
  await sandbox.spawn('node', ['server.js', String(PORT)]);
  url = await ready;
}, 60_000);
afterAll(async () => {
  await sandbox?.dispose();
  await server?.close();
});

const target = () => ({ projectId: server.projectId, port: PORT });
/** The entry URL for a ticket, fetched without a cookie. */
const enter = (ticket: string, to = '/page?x=1') => server.fetchPreview(previewEntryUrl(new URL(to, url).toString(), ticket), { cookie: '' });
const cookieOf = (res: { headers: Record<string, string | string[]> }) => String(res.headers['set-cookie'] ?? '').split(';')[0]!;

async function ticketFor(role: 'owner' | 'editor' | 'viewer' | 'stranger') {
  const user = await getUserById(server.testDb.db, server.userIds[role]);
  return createCaller(createContextInner({ db: server.testDb.db, user: user! })).sandbox.previewTicket({ projectId: server.projectId, port: PORT });
}

function upgrade(cookie: string): Promise<string> {
  const u = new URL(url);
  return new Promise((resolve) => {
    const ws = new WS(`ws://127.0.0.1:${server.port}/hmr`, { headers: { host: u.host, ...(cookie ? { cookie } : {}) } });
    ws.on('open', () => ws.send('hi'));
    ws.on('message', (data) => {
      resolve(String(data));
      ws.close();
    });
    ws.on('error', (e) => resolve(`error: ${e.message}`));
  });
}

describe('preview access', () => {
  it('without a ticket or cookie: 403 with an explanation, for pages and WebSockets', async () => {
    const res = await server.fetchPreview(new URL('/page', url).toString(), { cookie: '' });
    expect(res.status).toBe(403);
    expect(res.body).toContain('This preview is private');
    expect(res.body).not.toContain('hello from the sandbox');
    expect(await upgrade('')).toMatch(/error: Unexpected server response: 403/);
  });

  it('a viewer gets a ticket; the entry sets a cookie for that origin and lands on the page; the cookie opens pages and WebSockets', async () => {
    const { ticket, expiresAt } = await ticketFor('viewer');
    expect(expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(PREVIEW_TICKET_TTL_MS);
    const res = await enter(ticket);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/page?x=1');
    expect(res.headers['set-cookie']).toEqual([expect.stringMatching(/^ide_preview=.*; Path=\/; HttpOnly; Max-Age=3600; SameSite=None; Secure; Partitioned$/)]);
    const cookie = cookieOf(res);
    const page = await server.fetchPreview(new URL('/page?x=1', url).toString(), { cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain('hello from the sandbox /page?x=1');
    expect(await upgrade(cookie)).toBe('echo:hi');
  });

  it('a stranger gets no ticket, and a ticket made out to a user without a role is refused', async () => {
    await expect(ticketFor('stranger')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const forged = issuePreviewTicket(server.userIds.stranger, target());
    const res = await enter(forged.ticket);
    expect(res.status).toBe(403);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses tickets for another project, another port, expired or altered', async () => {
    const owner = server.userIds.owner;
    const otherProject = await server.newProject();
    const cases = [
      issuePreviewTicket(owner, { projectId: otherProject, port: PORT }).ticket,
      issuePreviewTicket(owner, { projectId: server.projectId, port: PORT + 1 }).ticket,
      issuePreviewTicket(owner, target(), Date.now() - PREVIEW_TICKET_TTL_MS - 1000).ticket,
      issuePreviewTicket(owner, target()).ticket.replace(owner, server.userIds.viewer),
      'garbage',
    ];
    for (const ticket of cases) {
      const res = await enter(ticket);
      expect(res.status, ticket).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
  });

  it('refuses cookies made for another preview origin or expired', async () => {
    const otherProject = await server.newProject();
    const page = new URL('/page', url).toString();
    const foreign = `${PREVIEW_COOKIE}=${previewCookieValue({ projectId: otherProject, port: PORT }, server.userIds.owner)}`;
    const otherPort = `${PREVIEW_COOKIE}=${previewCookieValue({ projectId: server.projectId, port: PORT + 1 }, server.userIds.owner)}`;
    const expired = `${PREVIEW_COOKIE}=${previewCookieValue(target(), server.userIds.owner, Date.now() - 2 * 60 * 60 * 1000)}`;
    for (const cookie of [foreign, otherPort, expired]) {
      expect((await server.fetchPreview(page, { cookie })).status, cookie).toBe(403);
      expect(await upgrade(cookie)).toMatch(/403/);
    }
  });

  it("stops a member's preview at the next request once they are removed, whatever their cookie", async () => {
    const { projectMember } = await import('@/db/schema');
    const { and, eq } = await import('drizzle-orm');
    const page = new URL('/page', url).toString();
    const cookie = cookieOf(await enter((await ticketFor('viewer')).ticket));
    expect((await server.fetchPreview(page, { cookie })).status).toBe(200);
    const [membership] = await server.testDb.db
      .delete(projectMember)
      .where(and(eq(projectMember.projectId, server.projectId), eq(projectMember.userId, server.userIds.viewer)))
      .returning();
    try {
      expect((await server.fetchPreview(page, { cookie })).status).toBe(403);
      expect(await upgrade(cookie)).toMatch(/403/);
    } finally {
      await server.testDb.db.insert(projectMember).values(membership!);
    }
    // A cookie cannot be re-pointed at another user: the user is under the signature.
    const [, expires, signature] = cookie.split('=')[1]!.split('.');
    const forged = `${PREVIEW_COOKIE}=${server.userIds.owner}.${expires}.${signature}`;
    expect((await server.fetchPreview(page, { cookie: forged })).status).toBe(403);
  });

  it('only redirects within the preview origin', async () => {
    for (const to of ['//evil.example/x', '/\\evil.example']) {
      const { ticket } = await ticketFor('owner');
      const res = await server.fetchPreview(`${new URL(url).origin}/__ide/enter?ticket=${encodeURIComponent(ticket)}&to=${encodeURIComponent(to)}`, { cookie: '' });
      expect(res.status).toBe(303);
      expect(res.headers.location).toBe('/');
    }
  });
});
