import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEgressProxy, type EgressProxy } from '@/server/sandbox-host/egress-proxy';
import { clientHelloNames } from '@/server/sandbox-host/egress-sni';
import { openTunnel } from '@/server/sandbox-host/testing';

// Domain fronting through an allowlisted tunnel: real ClientHellos from node:tls, sent through the real
// proxy to a loopback server that records what reaches it.

let dir: string;
let proxy: EgressProxy;
let upstream: net.Server;
const received: Buffer[][] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-egress-sni-'));
  upstream = net.createServer((socket) => {
    const chunks: Buffer[] = [];
    received.push(chunks);
    socket.on('data', (d: Buffer) => chunks.push(d));
    socket.on('error', () => {});
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as AddressInfo).port;
  proxy = await startEgressProxy(path.join(dir, 'p.sock'), {
    policy: 'allowlist',
    allowlist: ['registry.example', '*.cdn.example'],
    overrides: { 'registry.example': `127.0.0.1:${port}`, 'a.cdn.example': `127.0.0.1:${port}` },
  });
});
afterAll(async () => {
  await proxy.close();
  upstream.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Opens a tunnel to `target`, starts TLS in it naming `servername`; resolves with what happened first. */
async function helloThrough(target: string, servername: string | undefined): Promise<{ outcome: 'passed' | 'closed'; upstreamSaw: Buffer }> {
  const before = received.length;
  const { line, socket } = await openTunnel(proxy.socketPath, target);
  expect(line).toBe('HTTP/1.1 200 Connection Established');
  const client = tls.connect({ socket, ...(servername === undefined ? {} : { servername }), rejectUnauthorized: false });
  client.on('error', () => {});
  const closed = new Promise<'closed'>((resolve) => socket.once('close', () => resolve('closed')));
  const passed = new Promise<'passed'>((resolve) => {
    const check = setInterval(() => {
      const chunks = received[before];
      if (chunks && chunks.length > 0) {
        clearInterval(check);
        resolve('passed');
      }
    }, 10);
    void closed.then(() => clearInterval(check));
  });
  const outcome = await Promise.race([passed, closed]);
  client.destroy();
  socket.destroy();
  // The proxy connects upstream before it reads the hello: wait until that connection is seen, then report.
  await vi.waitFor(() => expect(received.length).toBeGreaterThan(before));
  return { outcome, upstreamSaw: Buffer.concat(received[before]!) };
}

describe('allowlisted CONNECT tunnels: the TLS server name must be the CONNECT host', () => {
  it('passes a ClientHello that names the host the CONNECT named, bytes intact', async () => {
    const { outcome, upstreamSaw } = await helloThrough('registry.example:443', 'registry.example');
    expect(outcome).toBe('passed');
    expect(upstreamSaw[0]).toBe(0x16); // a TLS handshake record: the proxy put back what it read
    expect(upstreamSaw.includes(Buffer.from('registry.example'))).toBe(true);
    expect(await helloThrough('a.cdn.example:443', 'A.CDN.example')).toMatchObject({ outcome: 'passed' });
  });

  it('closes a tunnel whose ClientHello names another host (domain fronting)', async () => {
    const closed = { outcome: 'closed', upstreamSaw: Buffer.alloc(0) };
    expect(await helloThrough('registry.example:443', 'evil.example')).toEqual(closed);
    // Even another allowlisted name on the same CDN: the tunnel is for the host the CONNECT named.
    expect(await helloThrough('a.cdn.example:443', 'b.cdn.example')).toEqual(closed);
  });

  it('closes a tunnel whose ClientHello names no host, or that does not speak TLS', async () => {
    expect(await helloThrough('registry.example:443', '')).toEqual({ outcome: 'closed', upstreamSaw: Buffer.alloc(0) });
    const before = received.length;
    const { socket } = await openTunnel(proxy.socketPath, 'registry.example:443');
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.write('GET / HTTP/1.1\r\nhost: evil.example\r\n\r\n');
    await closed;
    await vi.waitFor(() => expect(received.length).toBeGreaterThan(before));
    expect(received[before]).toEqual([]);
  });
});

describe('clientHelloNames', () => {
  it('gives up on a silent tunnel after its timeout', async () => {
    const [a, b] = await socketPair();
    const started = Date.now();
    expect(await clientHelloNames(a, 'registry.example', 200)).toBe(false);
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    a.destroy();
    b.destroy();
  });
});

async function socketPair(): Promise<[net.Socket, net.Socket]> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const accepted = new Promise<net.Socket>((resolve) => server.once('connection', resolve));
  const client = net.connect((server.address() as AddressInfo).port, '127.0.0.1');
  const other = await accepted;
  server.close();
  return [other, client];
}
