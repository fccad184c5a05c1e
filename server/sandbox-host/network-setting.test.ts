import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateProjectSettings } from '@/db/queries/projects';
import { run } from '@/lib/sandbox/conformance/suite';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// The project's network setting is every command's default and its ceiling: a command (the agent's
// included) cannot ask for more than the owner allowed. Read at each spawn, so a change applies at once.

let server: SandboxTestServer;
let sandbox: HostSandbox;
const proxyOf = async (network?: 'off' | 'allowlist' | 'full') =>
  (await run(sandbox, 'sh', ['-c', 'echo "proxy=[$HTTPS_PROXY]"'], network ? { network } : {})).output.trim();

beforeAll(async () => {
  server = await startSandboxTestServer();
  sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
});
afterAll(async () => {
  await sandbox?.dispose();
  await server?.close();
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
});
