import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostAllowed, isNonPublicAddress, startEgressProxy, type EgressProxy } from '@/server/sandbox-host/egress-proxy';

describe('egress policy rules', () => {
  it('matches allowlist entries exactly or by *.suffix', () => {
    expect(hostAllowed('registry.npmjs.org', ['registry.npmjs.org'])).toBe(true);
    expect(hostAllowed('REGISTRY.npmjs.org.', ['registry.npmjs.org'])).toBe(true);
    expect(hostAllowed('evil-registry.npmjs.org', ['registry.npmjs.org'])).toBe(false);
    expect(hostAllowed('registry.npmjs.org.evil.com', ['registry.npmjs.org'])).toBe(false);
    expect(hostAllowed('a.b.example.com', ['*.example.com'])).toBe(true);
    expect(hostAllowed('example.com', ['*.example.com'])).toBe(false);
  });

  it('knows which addresses are not the public internet', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', '::ffff:127.0.0.1', 'fd00::1', 'fe80::1']) {
      expect(isNonPublicAddress(a), a).toBe(true);
    }
    for (const a of ['203.0.113.80', '8.8.8.8', '172.32.0.1', '2606:4700::1111']) expect(isNonPublicAddress(a), a).toBe(false);
  });
});

describe('egress proxy on a unix socket', () => {
  let dir: string;
  let upstream: http.Server;
  let proxy: EgressProxy;
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-egress-'));
    upstream = http.createServer((req, res) => res.end(`upstream saw ${req.headers.host} ${req.url}`));
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const port = (upstream.address() as AddressInfo).port;
    proxy = await startEgressProxy(path.join(dir, 'p.sock'), {
      policy: 'allowlist',
      allowlist: ['allowed.test'],
      overrides: { 'allowed.test': `127.0.0.1:${port}`, 'denied.test': `127.0.0.1:${port}` },
    });
  });
  afterAll(async () => {
    await proxy.close();
    upstream.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const viaProxy = (url: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ socketPath: proxy.socketPath, path: url, headers: { host: new URL(url).host } }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  const connect = (target: string) =>
    new Promise<string>((resolve) => {
      const socket = net.connect(proxy.socketPath, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`));
      let text = '';
      socket.on('data', (d) => {
        text += d.toString();
        if (text.includes('\r\n\r\n')) {
          socket.destroy();
          resolve(text.split('\r\n')[0]!);
        }
      });
      socket.on('close', () => resolve(text.split('\r\n')[0] ?? ''));
    });

  it('forwards plain HTTP to allowlisted hosts and refuses others with 403', async () => {
    expect(await viaProxy('http://allowed.test/x?y=1')).toEqual({ status: 200, body: 'upstream saw allowed.test /x?y=1' });
    const denied = await viaProxy('http://denied.test/');
    expect(denied.status).toBe(403);
    expect(denied.body).toMatch(/not on this sandbox's network allowlist/);
  });

  it('tunnels CONNECT only to allowlisted hosts', async () => {
    expect(await connect('allowed.test:443')).toBe('HTTP/1.1 200 Connection Established');
    expect(await connect('denied.test:443')).toMatch(/^HTTP\/1.1 403/);
    expect(await connect('127.0.0.1:22')).toMatch(/^HTTP\/1.1 403/);
  });

  it('is connectable by any uid (the sandbox user reaches it through a bind mount)', () => {
    expect(fs.statSync(proxy.socketPath).mode & 0o777).toBe(0o666);
  });
});
