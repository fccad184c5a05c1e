import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { NetworkPolicy } from '@/lib/sandbox/types';
import { hostAllowed, RECHECK_MS, startEgressProxy, type EgressPolicy, type EgressProxy } from '@/server/sandbox-host/egress-proxy';
import { NON_PUBLIC_SPELLINGS, openTunnel } from '@/server/sandbox-host/testing';

// The real proxy on a unix socket, real loopback servers behind it, real HTTP and CONNECT in front.

let dir: string;
let upstream: http.Server;
let port: number;
const proxies: EgressProxy[] = [];

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-egress-'));
  // Dual-stack, so every loopback spelling (127.0.0.1, ::1, ::ffff:127.0.0.1, 0.0.0.0, ::) would reach it.
  upstream = http.createServer((req, res) => res.end(`upstream-secret saw ${req.headers.host} ${req.url}`));
  await new Promise<void>((r) => upstream.listen({ port: 0, host: '::', ipv6Only: false }, r));
  port = (upstream.address() as AddressInfo).port;
});
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
  upstream.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function proxyWith(policy: EgressPolicy): Promise<EgressProxy> {
  const proxy = await startEgressProxy(path.join(dir, `p${proxies.length}.sock`), policy);
  proxies.push(proxy);
  return proxy;
}

function viaProxy(proxy: EgressProxy, url: string, host = url.replace(/^http:\/\/|\/.*$/g, '')) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request({ socketPath: proxy.socketPath, path: url, headers: { host }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function connectLine(proxy: EgressProxy, target: string): Promise<string> {
  const { line, socket } = await openTunnel(proxy.socketPath, target);
  socket.destroy();
  return line;
}

describe('egress policy rules', () => {
  it('matches allowlist entries exactly or by *.suffix', () => {
    expect(hostAllowed('registry.npmjs.org', ['registry.npmjs.org'])).toBe(true);
    expect(hostAllowed('REGISTRY.npmjs.org.', ['registry.npmjs.org'])).toBe(true);
    expect(hostAllowed('evil-registry.npmjs.org', ['registry.npmjs.org'])).toBe(false);
    expect(hostAllowed('registry.npmjs.org.evil.com', ['registry.npmjs.org'])).toBe(false);
    expect(hostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
  });
});

describe('egress proxy under allowlist', () => {
  let proxy: EgressProxy;
  beforeAll(async () => {
    proxy = await proxyWith({
      policy: 'allowlist',
      allowlist: ['allowed.test'],
      overrides: { 'allowed.test': `127.0.0.1:${port}`, 'denied.test': `127.0.0.1:${port}` },
    });
  });

  it('forwards plain HTTP to allowlisted hosts and refuses others with 403', async () => {
    expect(await viaProxy(proxy, 'http://allowed.test/x?y=1')).toEqual({ status: 200, body: 'upstream-secret saw allowed.test /x?y=1' });
    const denied = await viaProxy(proxy, 'http://denied.test/');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(/not on this sandbox's network allowlist/);
  });

  it('refuses a forwarded request whose Host header names another host than its URL', async () => {
    const fronted = await viaProxy(proxy, 'http://allowed.test/', 'denied.test');
    expect(fronted.status).toBe(403);
    expect(fronted.body).toMatch(/Host header must name/);
    expect((await viaProxy(proxy, 'http://allowed.test/', 'allowed.test:81')).status).toBe(403);
    expect((await viaProxy(proxy, 'http://allowed.test/', 'ALLOWED.test.:80')).status).toBe(200);
  });

  it('tunnels CONNECT only to allowlisted hosts', async () => {
    expect(await connectLine(proxy, 'allowed.test:443')).toBe('HTTP/1.1 200 Connection Established');
    expect(await connectLine(proxy, 'denied.test:443')).toMatch(/^HTTP\/1.1 403/);
    expect(await connectLine(proxy, `127.0.0.1:${port}`)).toMatch(/^HTTP\/1.1 403/);
  });

  it("resolves the operator's names wherever they point (a registry mirror on the local network)", async () => {
    const mirror = await proxyWith({ policy: 'allowlist', allowlist: ['mirror.test'], lookup: async () => [{ address: '127.0.0.1' }] });
    expect(await viaProxy(mirror, `http://mirror.test:${port}/-/ping`)).toEqual({ status: 200, body: `upstream-secret saw mirror.test:${port} /-/ping` });
    expect((await viaProxy(mirror, `http://127.0.0.1:${port}/`)).status).toBe(403);
  });

  it('is connectable by any uid (the sandbox user reaches it through a bind mount)', () => {
    expect(fs.statSync(proxy.socketPath).mode & 0o777).toBe(0o666);
  });
});

describe('egress proxy under full: never a non-public address', () => {
  let proxy: EgressProxy;
  beforeAll(async () => {
    proxy = await proxyWith({ policy: 'full', allowlist: [] });
  });

  it.each(NON_PUBLIC_SPELLINGS)('refuses %s as a URL and as a CONNECT target', async (spelling) => {
    const forwarded = await viaProxy(proxy, `http://${spelling}:${port}/`);
    expect(forwarded.body).not.toContain('upstream-secret');
    expect([400, 403]).toContain(forwarded.status);
    expect(await connectLine(proxy, `${spelling}:${port}`)).toMatch(/^HTTP\/1.1 40[03]/);
  });

  it('refuses names that resolve to a non-public address (localhost, or one bad answer among good ones)', async () => {
    const local = await viaProxy(proxy, `http://localhost:${port}/`);
    expect(local.status).toBe(403);
    expect(local.body).toMatch(/local or private address/);
    expect(await connectLine(proxy, `localhost:${port}`)).toMatch(/^HTTP\/1.1 403/);
    const lookup = vi.fn(async () => [{ address: '93.184.215.14' }, { address: '127.0.0.1' }]);
    const rebinding = await proxyWith({ policy: 'full', allowlist: [], lookup });
    expect((await viaProxy(rebinding, `http://rebind.test:${port}/`)).status).toBe(403);
    expect(lookup).toHaveBeenCalledTimes(1);
  });
});

describe("egress proxy follows the project's current setting", () => {
  let setting: NetworkPolicy | Error = 'full';
  let proxy: EgressProxy;
  let raw: net.Server;
  let rawPort: number;
  beforeAll(async () => {
    raw = net.createServer((socket) => socket.on('error', () => {}));
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    rawPort = (raw.address() as AddressInfo).port;
    proxy = await proxyWith({
      policy: 'full',
      allowlist: ['allowed.test'],
      overrides: { 'allowed.test': `127.0.0.1:${port}`, 'outside.test': `127.0.0.1:${port}`, 'tunnel.test': `127.0.0.1:${rawPort}` },
      ceiling: async () => {
        if (setting instanceof Error) throw setting;
        return setting;
      },
    });
  });
  afterAll(() => raw.close());

  it('applies a downgrade to the next request of a proxy started for full', async () => {
    setting = 'full';
    expect((await viaProxy(proxy, 'http://outside.test/')).status).toBe(200);
    setting = 'allowlist';
    expect((await viaProxy(proxy, 'http://outside.test/')).status).toBe(403);
    expect((await viaProxy(proxy, 'http://allowed.test/')).status).toBe(200);
    setting = 'off';
    const off = await viaProxy(proxy, 'http://allowed.test/');
    expect(off).toMatchObject({ status: 403, body: expect.stringMatching(/network is off/) });
    expect(await connectLine(proxy, 'allowed.test:443')).toMatch(/^HTTP\/1.1 403/);
    setting = new Error('database down');
    expect((await viaProxy(proxy, 'http://allowed.test/')).status).toBe(503);
    setting = 'wide-open' as NetworkPolicy;
    expect((await viaProxy(proxy, 'http://outside.test/')).status).toBe(503);
  });

  it('cuts a tunnel opened under full once the project is lowered to allowlist', async () => {
    setting = 'full';
    const { line, socket } = await openTunnel(proxy.socketPath, 'tunnel.test:443');
    expect(line).toBe('HTTP/1.1 200 Connection Established');
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    const lowered = Date.now();
    setting = 'allowlist';
    expect((await closed) - lowered).toBeLessThan(RECHECK_MS * 2 + 1000);
  });
});
