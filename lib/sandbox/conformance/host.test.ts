import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type WS from 'ws';
import { runConformance } from '@/lib/sandbox/conformance/suite';
import { createHostSandbox, SANDBOX_WS_PATH, type HostSandbox } from '@/lib/sandbox/host-client';
import { PREVIEW_BRIDGE_SCRIPT } from '@/lib/stores/preview';
import { uidFor } from '@/server/sandbox-host/config';
import { processesOf, startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';
import { nodeVitestTemplate } from '@/server/templates/node-vitest';

// The conformance suite against the host adapter: a real HTTP server with the sandbox WebSocket and the
// preview proxy, a real database, bubblewrap, and the browser client driven through `ws`.

let server: SandboxTestServer;
beforeAll(async () => {
  server = await startSandboxTestServer();
});
afterAll(async () => server?.close());

runConformance(
  'host (bubblewrap)',
  async () => {
    const sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
    return {
      sandbox,
      fetchPreview: server.fetchPreview,
      echoPreviewSocket: server.echoPreviewSocket,
      dispose: () => sandbox.dispose(),
    };
  },
  { vitestTemplate: nodeVitestTemplate.files },
);

describe('host sandbox over the socket', () => {
  it('refuses strangers, anonymous callers and bad ids with clear close codes', async () => {
    for (const [role, code] of [['stranger', 'not_found:project'], ['anonymous', 'unauthorized:auth']] as const) {
      const error = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor(role) }).catch((e: Error) => e);
      expect(error).toMatchObject({ code, message: role === 'stranger' ? 'Project not found.' : expect.stringMatching(/session/) });
    }
    const bad = await createHostSandbox({ projectId: 'nope', baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') }).catch((e: Error) => e);
    expect(bad).toMatchObject({ code: 'bad_request:sandbox', message: expect.stringMatching(/project id/) });
  });

  it('refuses a socket opened by another origin (a preview page or another site), accepts its own', async () => {
    const origin = `http://4173-${server.projectId}.preview.localhost:${server.port}`;
    const error = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner', { origin }) }).catch((e: Error) => e);
    // The edge refuses the handshake (HTTP 403, server/http/edge.ts): the page sees a socket that never opened.
    expect(error).toMatchObject({ code: 'unavailable:sandbox', message: expect.stringMatching(/1006/) });
    const own = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner', { origin: server.baseUrl }) });
    expect(own.role).toBe('owner');
    await own.dispose();
  });

  it('lets a viewer read and watch but not write or spawn', async () => {
    const owner = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
    await owner.fs.writeFile('shared.txt', 'from the owner');
    const viewer: HostSandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('viewer') });
    expect(viewer.role).toBe('viewer');
    expect(await viewer.fs.readTextFile('shared.txt')).toBe('from the owner');
    await expect(viewer.fs.writeFile('shared.txt', 'vandal')).rejects.toMatchObject({ code: 'forbidden:project' });
    await expect(viewer.spawn('true')).rejects.toMatchObject({ code: 'forbidden:project' });
    const editor = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('editor') });
    expect((await editor.spawn('cat', ['shared.txt']).then(async (p) => { let o = ''; p.onOutput((c) => (o += c)); await p.exit; return o; }))).toBe('from the owner');
    await Promise.all([owner.dispose(), viewer.dispose(), editor.dispose()]);
  });

  it('stops an editor from running commands once their membership is revoked (no role: the project is not found)', async () => {
    const projectId = await server.newProject();
    const { projectMember } = await import('@/db/schema');
    const { and, eq } = await import('drizzle-orm');
    const editorId = server.userIds.editor;
    await server.testDb.db.insert(projectMember).values({ projectId, userId: editorId, role: 'editor' });
    const editor = await createHostSandbox({ projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('editor') });
    expect(await (await editor.spawn('true')).exit).toEqual({ code: 0 });
    await server.testDb.db.delete(projectMember).where(and(eq(projectMember.projectId, projectId), eq(projectMember.userId, editorId)));
    await expect(editor.spawn('true')).rejects.toMatchObject({ code: 'not_found:project' });
    await editor.dispose();
  });

  it('stops reading a flooding process while the client does not read (backpressure, bounded memory)', async () => {
    const projectId = await server.newProject();
    const url = `${server.baseUrl.replace('http', 'ws')}${SANDBOX_WS_PATH}?projectId=${projectId}`;
    const Socket = server.socketFor('owner');
    const ws = new Socket(url) as unknown as WS;
    let received = 0;
    let exit: { code: number } | undefined;
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string; data?: string; code?: number };
      if (message.type === 'output') received += message.data!.length;
      if (message.type === 'exit') exit = { code: message.code! };
    });
    await new Promise((resolve) => ws.once('open', resolve));
    const before = process.memoryUsage().rss;
    const flood = 64 * 1024 * 1024;
    ws.send(JSON.stringify({ id: 1, op: 'spawn', command: 'node', args: ['-e', `const s='z'.repeat(1<<20); for (let i = 0; i < 64; i++) process.stdout.write(s)`] }));
    // Sent right after the socket opened: the request waits for the access check instead of being lost.
    await vi.waitFor(() => expect(received).toBeGreaterThan(0), { timeout: 20_000 });
    const workspace = server.host.manager.peek(projectId)!;
    // The client stops reading its TCP socket: the server must stop reading the process rather than queue 64 MB.
    (ws as unknown as { _socket: Socket })._socket.pause();
    await new Promise((r) => setTimeout(r, 2500));
    expect([...workspace.processes.values()].some((p) => !p.exited)).toBe(true);
    expect(process.memoryUsage().rss - before).toBeLessThan(150 * 1024 * 1024);
    (ws as unknown as { _socket: Socket })._socket.resume();
    await vi.waitFor(() => expect(exit).toEqual({ code: 0 }), { timeout: 30_000 });
    expect(received).toBe(flood);
    ws.close();
  }, 60_000);

  it('serves previews cross-origin-embeddable, with the bridge script and without the IDE cookie', async () => {
    const sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
    await sandbox.fs.writeFile(
      'echo-server.js',
      `require('http').createServer((req, res) => { res.setHeader('content-type', req.url === '/page' ? 'text/html' : 'text/plain'); res.end(req.url === '/page' ? '<html><head><title>p</title></head><body>page</body></html>' : 'cookie=' + (req.headers.cookie || '')); }).listen(4321);`,
    );
    const ready = new Promise<string>((resolve) => sandbox.onServerReady((e) => e.port === 4321 && resolve(e.url)));
    const proc = await sandbox.spawn('node', ['echo-server.js']);
    const url = await ready;
    expect(url).toMatch(new RegExp(`^http://4321-${server.projectId}\\.preview\\.localhost:${server.port}/$`));
    expect(sandbox.servers.get(4321)).toBe(url);
    const echoed = await server.fetchPreview(url);
    expect(echoed.body).toBe('cookie=');
    expect(echoed.headers['cross-origin-embedder-policy']).toBe('credentialless');
    expect(echoed.headers['cross-origin-resource-policy']).toBe('cross-origin');
    const page = await server.fetchPreview(new URL('/page', url).toString());
    expect(page.body).toContain('<head><script src="/__ide/bridge.js"></script><title>p</title>');
    const bridge = await server.fetchPreview(new URL('/__ide/bridge.js', url).toString());
    expect(bridge.headers['content-type']).toMatch(/javascript/);
    expect(bridge.body).toBe(PREVIEW_BRIDGE_SCRIPT);
    const missing = await server.fetchPreview(url.replace('4321-', '4999-'));
    expect(missing.status).toBe(502);
    expect(missing.body).toMatch(/Nothing is listening on port 4999/);
    proc.kill();
    await proc.exit;
    await sandbox.dispose();
  });

  it('ends every process of the project on teardown (nothing left under its uid)', async () => {
    const projectId = await server.newProject();
    const sandbox = await createHostSandbox({ projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
    await sandbox.spawn('sh', ['-c', 'sleep 1000 & sleep 1000 & wait']);
    await sandbox.spawn('sleep', ['1000'], { network: 'off' });
    const uid = uidFor(projectId, server.host.manager.config);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesOf(uid).length).toBeGreaterThan(3);
    await sandbox.dispose();
    await server.host.manager.release(projectId);
    await new Promise((r) => setTimeout(r, 500));
    expect(processesOf(uid)).toEqual([]);
  });
});
