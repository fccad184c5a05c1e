import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { run } from '@/lib/sandbox/conformance/suite';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// Domain fronting tried by curl inside a real sandbox (allowlist policy): "cdn.test" is the allowlisted
// name, mapped onto a loopback server that records the bytes of each connection and hangs up.

let server: SandboxTestServer;
let sandbox: HostSandbox;
let cdn: net.Server;
const connections: Buffer[][] = [];

beforeAll(async () => {
  cdn = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    connections.push(chunks);
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      socket.destroy();
    });
  });
  await new Promise<void>((resolve) => cdn.listen(0, '127.0.0.1', resolve));
  const port = (cdn.address() as AddressInfo).port;
  server = await startSandboxTestServer({ allowlist: ['cdn.test'], hostOverrides: { 'cdn.test': `127.0.0.1:${port}` } });
  sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
});
afterAll(async () => {
  await sandbox?.dispose();
  await server?.close();
  cdn?.close();
});

/** Runs curl in the sandbox; resolves with its output and the bytes the upstream saw on the new connection. */
async function curl(args: string): Promise<{ output: string; upstreamSaw: Buffer }> {
  const before = connections.length;
  const { output } = await run(sandbox, 'sh', ['-c', `curl -sS -k -m 5 ${args} 2>&1`]);
  // The proxy opens the upstream connection before it reads the ClientHello: wait until it is seen.
  await vi.waitFor(() => expect(connections.length).toBeGreaterThan(before));
  return { output, upstreamSaw: Buffer.concat(connections[before]!) };
}

describe('domain fronting from inside a sandbox (allowlist)', () => {
  it("passes curl's ClientHello when it names the allowlisted host", async () => {
    const { upstreamSaw } = await curl('https://cdn.test/');
    expect(upstreamSaw[0]).toBe(0x16);
    expect(upstreamSaw.includes(Buffer.from('cdn.test'))).toBe(true);
  });

  it('closes the tunnel when the ClientHello names another site of the same CDN', async () => {
    const { output, upstreamSaw } = await curl('--connect-to evil.test:443:cdn.test:443 https://evil.test/');
    expect(upstreamSaw.length).toBe(0);
    expect(output).not.toMatch(/403/); // the CONNECT was allowed; the tunnel was closed after the hello
  });
});
