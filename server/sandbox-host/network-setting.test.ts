import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { updateProjectSettings } from '@/db/queries/projects';
import { run } from '@/lib/sandbox/conformance/suite';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// The project's network setting is every command's default and its ceiling: a command (the agent's
// included) cannot ask for more than the owner allowed. Read at each spawn, so a change applies at once.

let server: SandboxTestServer;
let sandbox: HostSandbox;
let outside: http.Server;
const proxyOf = async (network?: 'off' | 'allowlist' | 'full') =>
  (await run(sandbox, 'sh', ['-c', 'echo "proxy=[$HTTPS_PROXY]"'], network ? { network } : {})).output.trim();

beforeAll(async () => {
  // "outside.test" stands for a public host: reachable under full, not on the allowlist.
  outside = http.createServer((_req, res) => res.end('outside-secret'));
  await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
  server = await startSandboxTestServer({ hostOverrides: { 'outside.test': `127.0.0.1:${(outside.address() as AddressInfo).port}` } });
  sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
});
afterAll(async () => {
  await sandbox?.dispose();
  await server?.close();
  outside?.close();
});

describe("the project's network setting", () => {
  it('is the default: allowlist gives commands the proxy', async () => {
    expect(await proxyOf()).toMatch(/proxy=\[http:\/\/127\.0\.0\.1:\d+\]/);
  });

  it('is the ceiling: with the network off, a command asking for full gets no network', async () => {
    await updateProjectSettings(server.testDb.db, server.projectId, { network: 'off' });
    expect(await proxyOf('full')).toBe('proxy=[]');
    expect(await proxyOf()).toBe('proxy=[]');
  });

  it('lets a command ask for less than the project allows', async () => {
    await updateProjectSettings(server.testDb.db, server.projectId, { network: 'full' });
    expect(await proxyOf('off')).toBe('proxy=[]');
    expect(await proxyOf('allowlist')).toMatch(/proxy=\[http/);
  });

  it('reaches commands already running: a shell started under full loses it when the project is lowered', async () => {
    await updateProjectSettings(server.testDb.db, server.projectId, { network: 'full' });
    const fetchOutside = `curl -sS -m 5 -w ' status=%{http_code}\\n' http://outside.test/`;
    const proc = await sandbox.spawn('sh', ['-c', `${fetchOutside}; read go; ${fetchOutside}`], { network: 'full' });
    let output = '';
    proc.onOutput((chunk) => (output += chunk));
    await vi.waitFor(() => expect(output).toContain('status=200'), { timeout: 10_000 });
    await updateProjectSettings(server.testDb.db, server.projectId, { network: 'allowlist' });
    proc.write('go\n');
    await proc.exit;
    expect(output).toMatch(/^outside-secret status=200\n.*not on this sandbox's network allowlist.*\n status=403$/m);
  });
});
