import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WS from 'ws';
import { removeMember } from '@/db/queries/members';
import { ensureUser, getUserById } from '@/db/queries/users';
import { projectMember } from '@/db/schema';
import { SANDBOX_WS_PATH } from '@/lib/sandbox/host-client/protocol';
import { previewEntryUrl } from '@/lib/stores/preview';
import { projectAccess } from '@/server/access';
import { endpointExpectations, IDENTITIES, type EndpointVerdict, type Identity } from '@/server/api/authz/expectations';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { issuePreviewTicket } from '@/server/auth/preview-ticket';
import { sessionCookieFor } from '@/server/auth/request-user';
import { newUserId } from '@/server/auth/session';
import { startSandboxTestServer, TEST_PREVIEW_DOMAIN, type SandboxTestServer } from '@/server/sandbox-host/testing';

// The authorization matrix for the doors that are not tRPC: the sandbox socket and the preview proxy,
// over real HTTP and WebSockets, for each identity, from the table in server/api/authz/expectations.ts.

const PORT = 4176;
const MARKER = 'project-sandbox-marker.txt';
let server: SandboxTestServer;
let ids: Record<Identity, string | null>;
let cookies: Record<Identity, string>;
let holderSandbox: string;

beforeAll(async () => {
  server = await startSandboxTestServer();
  const share = newUserId();
  await ensureUser(server.testDb.db, share);
  ids = { ...server.userIds, share, anonymous: null };
  const owner = createCaller(createContextInner({ db: server.testDb.db, user: (await getUserById(server.testDb.db, server.userIds.owner))! }));
  const { slug } = await owner.share.rotate({ projectId: server.projectId });
  await createCaller(createContextInner({ db: server.testDb.db, user: (await getUserById(server.testDb.db, share))! })).share.open({ slug });
  await server.host.manager.get(server.projectId).fsRequest('writeFile', { path: MARKER, data: 'eA==' });
  holderSandbox = (await projectAccess(server.testDb.db, server.projectId, share))!.sandboxId;
  cookies = Object.fromEntries(
    await Promise.all(IDENTITIES.map(async (who) => [who, ids[who] ? await sessionCookieFor(server.testDb.db, ids[who]) : ''] as const)),
  ) as Record<Identity, string>;
}, 60_000);
afterAll(async () => server?.close());

/** Opens the socket, sends one request; resolves with the hello's sandbox and the request's outcome, or the close code. */
function socket(who: Identity, op: object): Promise<{ ok: boolean; result?: unknown } | { closed: number }> {
  return new Promise((resolve) => {
    const ws = new WS(`${server.baseUrl.replace('http', 'ws')}${SANDBOX_WS_PATH}?projectId=${server.projectId}`, {
      headers: cookies[who] ? { cookie: cookies[who] } : {},
      origin: server.baseUrl,
    });
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, ...op })));
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; ok?: boolean; result?: unknown };
      if (message.type === 'response') {
        resolve({ ok: message.ok === true, result: message.result });
        ws.close();
      }
    });
    ws.on('close', (code) => resolve({ closed: code }));
    ws.on('error', () => {});
  });
}

/** Which sandbox a socket reaches: the project's holds a marker file, any other does not. */
async function connectVerdict(who: Identity): Promise<EndpointVerdict> {
  const result = await socket(who, { op: 'readdir', path: '.' });
  if ('closed' in result || !result.ok) return 'deny';
  return JSON.stringify(result.result).includes(MARKER) ? 'project' : 'own';
}

async function ticketFor(who: Identity, sandboxId: string): Promise<string> {
  const id = ids[who];
  if (id) {
    const user = await getUserById(server.testDb.db, id);
    const issued = await createCaller(createContextInner({ db: server.testDb.db, user: user! }))
      .sandbox.previewTicket({ projectId: server.projectId, port: PORT })
      .catch(() => undefined);
    // Only a ticket for exactly this origin can get in; otherwise try a forged one made out to the caller.
    if (issued && sandboxId === (await projectAccess(server.testDb.db, server.projectId, id))?.sandboxId) return issued.ticket;
  }
  return issuePreviewTicket(id ?? '00000000-0000-4000-8000-000000000000', { projectId: sandboxId, port: PORT }).ticket;
}

async function enterVerdict(who: Identity, sandboxId: string): Promise<EndpointVerdict> {
  const origin = `http://${PORT}-${sandboxId}.${TEST_PREVIEW_DOMAIN}:${server.port}`;
  const res = await server.fetchPreview(previewEntryUrl(`${origin}/`, await ticketFor(who, sandboxId)), { cookie: '' });
  return res.status === 303 ? 'allow' : 'deny';
}

/** One probe per row of the table; a row without a probe fails. */
const probes: Record<string, (who: Identity) => Promise<EndpointVerdict>> = {
  'sandbox socket: connect': connectVerdict,
  'sandbox socket: write a file': async (who) => {
    const result = await socket(who, { op: 'writeFile', path: `by-${who}.txt`, data: 'eA==' });
    return 'ok' in result && result.ok ? 'allow' : 'deny';
  },
  "preview proxy: enter the project's preview": (who) => enterVerdict(who, server.projectId),
  "preview proxy: enter the share holder's preview": (who) => enterVerdict(who, holderSandbox),
};

describe('authorization matrix: sandbox socket and preview proxy', () => {
  it.each(Object.keys(endpointExpectations))('%s', async (row) => {
    const probe = probes[row];
    expect(probe, `no probe for ${row}`).toBeDefined();
    const got: Record<string, EndpointVerdict> = {};
    for (const who of IDENTITIES) got[who] = await probe!(who);
    expect(got).toEqual(endpointExpectations[row]);
  }, 60_000);

  it("a share holder's writes land in their own sandbox, never the project's", async () => {
    await socket('share', { op: 'writeFile', path: 'holder-wrote.txt', data: 'eA==' });
    const listing = JSON.stringify(await server.host.manager.get(server.projectId).fsRequest('readdir', { path: '.' }));
    expect(listing).toContain(MARKER);
    expect(listing).not.toContain('holder-wrote.txt');
    expect(JSON.stringify(await server.host.manager.get(holderSandbox).fsRequest('readdir', { path: '.' }))).toContain('holder-wrote.txt');
  });

  it('a member removed while their socket is open loses it at the next request', async () => {
    const ws = new WS(`${server.baseUrl.replace('http', 'ws')}${SANDBOX_WS_PATH}?projectId=${server.projectId}`, {
      headers: { cookie: cookies.editor },
      origin: server.baseUrl,
    });
    const replies: { id?: number; ok?: boolean }[] = [];
    const closed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    ws.on('message', (raw) => replies.push(JSON.parse(String(raw)) as { id?: number; ok?: boolean }));
    await new Promise((resolve) => ws.on('open', resolve));
    ws.send(JSON.stringify({ id: 1, op: 'readdir', path: '.' }));
    await expect.poll(() => replies.find((r) => r.id === 1)?.ok).toBe(true);
    await removeMember(server.testDb.db, server.projectId, server.userIds.editor);
    ws.send(JSON.stringify({ id: 2, op: 'readdir', path: '.' }));
    expect(await closed).toBe(4404);
    expect(replies.find((r) => r.id === 2)?.ok).not.toBe(true);
    await server.testDb.db.insert(projectMember).values({ projectId: server.projectId, userId: server.userIds.editor, role: 'editor' });
  });
});
