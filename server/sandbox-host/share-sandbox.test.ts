import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WS from 'ws';
import { isViewSandboxId } from '@/server/share/sandbox-id';
import { ensureUser, getUserById } from '@/db/queries/users';
import { DEV_SERVER_SOURCE } from '@/lib/sandbox/conformance/dev-server';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import type { WebSocketConstructor } from '@/lib/sandbox/host-client/client';
import { previewEntryUrl } from '@/lib/stores/preview';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { issuePreviewTicket } from '@/server/auth/preview-ticket';
import { sessionCookieFor } from '@/server/auth/request-user';
import { newUserId } from '@/server/auth/session';
import { parsePreviewHost } from '@/server/sandbox-host/preview-proxy';
import { startSandboxTestServer, TEST_PREVIEW_DOMAIN, type SandboxTestServer } from '@/server/sandbox-host/testing';

// A share-link holder runs the project in a host sandbox of their own (never the owner's), sees only its
// previews, and loses both at the next request once the link is revoked. Real bubblewrap, real HTTP.

const PORT = 4175;
let server: SandboxTestServer;
let owner: HostSandbox;
let holder: HostSandbox;
let holderId: string;
let holderUrl: string;

const callerOf = async (userId: string) => createCaller(createContextInner({ db: server.testDb.db, user: (await getUserById(server.testDb.db, userId))! }));

function socketWithCookie(cookie: string): WebSocketConstructor {
  const origin = server.baseUrl;
  return class extends WS {
    constructor(url: string) {
      super(url, { headers: { cookie }, origin });
      this.on('error', () => {});
    }
  } as unknown as WebSocketConstructor;
}

beforeAll(async () => {
  server = await startSandboxTestServer();
  holderId = newUserId();
  await ensureUser(server.testDb.db, holderId);
  const { slug } = await (await callerOf(server.userIds.owner)).share.rotate({ projectId: server.projectId });
  await (await callerOf(holderId)).share.open({ slug });

  owner = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
  await owner.fs.writeFile('owner-only.txt', 'the owner was here');
  const cookie = await sessionCookieFor(server.testDb.db, holderId);
  holder = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: socketWithCookie(cookie) });
  await holder.fs.writeFile('server.js', DEV_SERVER_SOURCE);
  const ready = new Promise<string>((resolve) => holder.onServerReady((e) => e.port === PORT && resolve(e.url)));
  await holder.spawn('node', ['server.js', String(PORT)]);
  holderUrl = await ready;
}, 90_000);
afterAll(async () => {
  await holder?.dispose();
  await owner?.dispose();
  await server?.close();
});

const cookieOf = (res: { headers: Record<string, string | string[]> }) => String(res.headers['set-cookie'] ?? '').split(';')[0]!;

describe('a share-link holder', () => {
  it("runs in a sandbox of their own: neither side sees the other's files", async () => {
    const names = async (s: HostSandbox) => (await s.fs.readdir('.')).map((e) => e.name);
    expect(await names(holder)).toContain('server.js');
    expect(await names(holder)).not.toContain('owner-only.txt');
    expect(await names(owner)).toContain('owner-only.txt');
    expect(await names(owner)).not.toContain('server.js');
    const target = parsePreviewHost(new URL(holderUrl).host, TEST_PREVIEW_DOMAIN)!;
    expect(target.projectId).not.toBe(server.projectId);
    expect(isViewSandboxId(target.projectId)).toBe(true);
  });

  it("sees their own preview with a ticket, and is refused the owner's", async () => {
    const { ticket } = await (await callerOf(holderId)).sandbox.previewTicket({ projectId: server.projectId, port: PORT });
    const res = await server.fetchPreview(previewEntryUrl(new URL('/hi', holderUrl).toString(), ticket), { cookie: '' });
    expect(res.status).toBe(303);
    const page = await server.fetchPreview(new URL('/hi', holderUrl).toString(), { cookie: cookieOf(res) });
    expect(page.status).toBe(200);
    expect(page.body).toContain('hello from the sandbox /hi');
    // A ticket made out to the holder for the owner's sandbox (as if tRPC had issued one) is refused.
    const ownerPreview = `http://${PORT}-${server.projectId}.${TEST_PREVIEW_DOMAIN}:${server.port}/`;
    const forged = issuePreviewTicket(holderId, { projectId: server.projectId, port: PORT }).ticket;
    const refused = await server.fetchPreview(previewEntryUrl(ownerPreview, forged), { cookie: '' });
    expect(refused.status).toBe(403);
    expect(refused.headers['set-cookie']).toBeUndefined();
  });

  it('loses the open socket and the preview at the next request once the link is revoked', async () => {
    const { ticket } = await (await callerOf(holderId)).sandbox.previewTicket({ projectId: server.projectId, port: PORT });
    const cookie = cookieOf(await server.fetchPreview(previewEntryUrl(new URL('/', holderUrl).toString(), ticket), { cookie: '' }));
    expect((await server.fetchPreview(new URL('/x', holderUrl).toString(), { cookie })).status).toBe(200);
    await (await callerOf(server.userIds.owner)).share.revoke({ projectId: server.projectId });
    expect((await server.fetchPreview(new URL('/x', holderUrl).toString(), { cookie })).status).toBe(403);
    await expect(holder.fs.readdir('.')).rejects.toThrow();
    expect(await owner.fs.readTextFile('owner-only.txt')).toBe('the owner was here');
  });

  it("leaves no copy on disk once the holder's sandbox stops; the project's stays", async () => {
    const sandboxId = parsePreviewHost(new URL(holderUrl).host, TEST_PREVIEW_DOMAIN)!.projectId;
    const { root } = server.host.manager.config;
    expect(fs.existsSync(path.join(root, sandboxId, 'workspace'))).toBe(true);
    await server.host.manager.release(sandboxId);
    expect(fs.existsSync(path.join(root, sandboxId))).toBe(false);
    await server.host.manager.release(server.projectId);
    expect(fs.existsSync(path.join(root, server.projectId, 'workspace', 'owner-only.txt'))).toBe(true);
  });
});
