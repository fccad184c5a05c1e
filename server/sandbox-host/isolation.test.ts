import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExitInfo, SpawnOptions } from '@/lib/sandbox/types';
import { DEFAULT_LIMITS, defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { LOOPBACK_SPELLINGS } from '@/server/sandbox-host/testing';

// Each test here is an attack a project's code could try; each fails if the isolation it checks is
// removed (no bwrap, the server's env passed on, the host network shared, no limits).

const A = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const B = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

let dataDir: string;
let manager: SandboxManager;
let loopback: http.Server;
let loopbackPort: number;

beforeAll(async () => {
  process.env.OPENAI_API_KEY = 'sk-test-secret';
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-isolation-'));
  fs.mkdirSync(path.join(dataDir, 'pglite'));
  fs.writeFileSync(path.join(dataDir, 'pglite', 'PG_VERSION'), 'database-secret\n');
  loopback = http.createServer((_req, res) => res.end('host-loopback-secret'));
  await new Promise<void>((resolve) => loopback.listen(0, '127.0.0.1', resolve));
  loopbackPort = (loopback.address() as AddressInfo).port;
  manager = new SandboxManager(
    defaultConfig(dataDir, {
      limits: { ...DEFAULT_LIMITS, cpuSeconds: 3, memoryBytes: 512 * 1024 ** 2, processes: 96, fileSizeBytes: 64 * 1024 ** 2, tmpBytes: 16 * 1024 ** 2 },
      allowlist: ['allowed.test'],
      hostOverrides: { 'allowed.test': `127.0.0.1:${loopbackPort}`, 'denied.test': `127.0.0.1:${loopbackPort}` },
    }),
  );
  await manager.get(B).fsRequest('writeFile', { path: 'secret.txt', data: Buffer.from('project-b-secret').toString('base64') });
});

afterAll(async () => {
  await manager?.dispose();
  loopback?.close();
  delete process.env.OPENAI_API_KEY;
  fs.rmSync(dataDir, { recursive: true, force: true });
});

async function sh(script: string, options: SpawnOptions = {}): Promise<{ output: string; exit: ExitInfo }> {
  const proc = await manager.get(A).spawn('sh', ['-c', script], options);
  let output = '';
  proc.onOutput((c) => (output += c));
  const exit = await proc.exit;
  return { output, exit };
}

async function stillServes(): Promise<void> {
  const ok = await sh('echo alive');
  expect(ok.output.trim()).toBe('alive');
  expect(ok.exit.code).toBe(0);
}

describe('host sandbox isolation: files and environment', () => {
  it('cannot read /etc/shadow', async () => {
    const { output, exit } = await sh('cat /etc/shadow');
    expect(exit.code).not.toBe(0);
    expect(output).not.toMatch(/root:/);
  });

  it("cannot read the app's database folder or anything else of DATA_DIR", async () => {
    const { output } = await sh(`cat ${dataDir}/pglite/PG_VERSION; ls ${dataDir}; ls /workspace/..; find / -xdev -name PG_VERSION 2>/dev/null`);
    expect(output).not.toContain('database-secret');
    expect(output).toMatch(/cannot access '.*': No such file or directory/);
    expect(output).not.toMatch(/^PG_VERSION$|\/PG_VERSION$/m);
    expect(fs.existsSync(path.join(dataDir, 'pglite', 'PG_VERSION'))).toBe(true);
  });

  it("cannot read another project's workspace", async () => {
    const { output } = await sh(`cat ${dataDir}/sandboxes/${B}/workspace/secret.txt; ls / /workspace/.. /home /run /tmp; grep -rs project-b-secret /workspace /home /run /tmp /etc 2>/dev/null | head -1`);
    expect(output).not.toContain('project-b-secret');
    const files = await manager.get(A).fsRequest<{ entries: unknown[] }>('readdir', { path: '..' });
    expect(JSON.stringify(files)).not.toContain('secret.txt');
  });

  it("does not see the server's environment (the model key)", async () => {
    expect(process.env.OPENAI_API_KEY).toBe('sk-test-secret');
    const { output } = await sh('env; cat /proc/1/environ 2>/dev/null');
    expect(output).not.toContain('sk-test-secret');
    expect(output).not.toContain('OPENAI_API_KEY');
    expect(output).toContain('HOME=/home/user');
  });

  it('does not follow a planted symlink out of the workspace when the server reads files', async () => {
    await sh('ln -sf /etc/shadow shadow-link; ln -sf ../../.. up');
    await expect(manager.get(A).fsRequest('readFile', { path: 'shadow-link' })).rejects.toThrow();
    await expect(manager.get(A).fsRequest('readFile', { path: `up/${B}/workspace/secret.txt` })).rejects.toThrow();
  });
});

describe('host sandbox isolation: network', () => {
  it('cannot reach a server on the host loopback with policy off (no proxy either)', async () => {
    const { output } = await sh(`echo "proxy=[$HTTP_PROXY]"; curl -sS -m 3 http://127.0.0.1:${loopbackPort}/; curl -sS -m 3 -x http://127.0.0.1:3128 http://allowed.test/`, { network: 'off' });
    expect(output).toContain('proxy=[]');
    expect(output).not.toContain('host-loopback-secret');
    expect(output).toMatch(/Failed to connect|Couldn't connect/);
  });

  it('reaches an allowlisted host through the proxy, and nothing else', async () => {
    const allowed = await sh('curl -sS -m 5 http://allowed.test/', { network: 'allowlist' });
    expect(allowed.output).toBe('host-loopback-secret');
    const denied = await sh('curl -sS -m 5 -w " status=%{http_code}" http://denied.test/', { network: 'allowlist' });
    expect(denied.output).toContain('not on this sandbox');
    expect(denied.output).toContain('status=403');
    const direct = await sh(`curl -sS -m 3 --noproxy '*' http://127.0.0.1:${loopbackPort}/`, { network: 'allowlist' });
    expect(direct.output).not.toContain('host-loopback-secret');
    const tls = await sh('curl -sS -m 5 https://denied.test/ 2>&1', { network: 'allowlist' });
    expect(tls.output).toMatch(/403|CONNECT/);
  });

  it("full network still cannot reach the host's local addresses, directly or through the proxy", async () => {
    const direct = await sh(`curl -sS -m 5 http://127.0.0.1:${loopbackPort}/`, { network: 'full' });
    expect(direct.output).not.toContain('host-loopback-secret');
    const { output } = await sh(`curl -sS -m 5 --noproxy '' --proxy http://127.0.0.1:3128 http://127.0.0.1:${loopbackPort}/`, { network: 'full' });
    expect(output).not.toContain('host-loopback-secret');
    expect(output).toContain('local or private address');
  });

  it('full network cannot reach a host loopback server through the proxy in any spelling (curl, URL and CONNECT)', async () => {
    // Dual-stack, so ::1, ::ffff:127.0.0.1, 0.0.0.0 and :: would all reach it if the proxy let them through.
    const server = http.createServer((_req, res) => res.end('dual-stack-secret'));
    await new Promise<void>((resolve) => server.listen({ port: 0, host: '::', ipv6Only: false }, resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      const curl = `curl -sS -g -m 5 --noproxy '' -x http://127.0.0.1:3128`;
      const script = LOOPBACK_SPELLINGS.map(
        (s) => `echo "== ${s}"; ${curl} -w ' status=%{http_code}\\n' 'http://${s}:${port}/' 2>&1; ${curl} -p -w ' connect=%{http_connect}\\n' 'http://${s}:${port}/' 2>&1`,
      ).join('\n');
      const { output } = await sh(script, { network: 'full' });
      expect(output).not.toContain('dual-stack-secret');
      const sections = output.split(/^== /m).slice(1);
      expect(sections).toHaveLength(LOOPBACK_SPELLINGS.length);
      for (const section of sections) {
        expect(section, section).toMatch(/status=40[03]/);
        expect(section, section).toMatch(/connect=40[03]/);
      }
    } finally {
      server.close();
    }
  });
});

describe('host sandbox isolation: resource limits', () => {
  it('contains a fork bomb and says so', async () => {
    const { exit } = await sh('bomb() { bomb | bomb & }; bomb; sleep 30', { timeoutMs: 4000 });
    expect(exit.reason).toBe('processes');
    expect(exit.message).toMatch(/process limit/);
    await stillServes();
  }, 30_000);

  it('ends a memory hog with a clear message', async () => {
    const { exit } = await sh(`node -e "const a = []; for (;;) a.push(new Array(1e6).fill(1.5))"`);
    expect(exit.code).not.toBe(0);
    expect(exit.reason).toBe('memory');
    expect(exit.message).toMatch(/out of memory/);
    await stillServes();
  }, 30_000);

  it('ends an endless loop at its CPU limit', async () => {
    const started = Date.now();
    const { exit } = await sh('while :; do :; done');
    expect(exit.reason).toBe('cpu');
    expect(exit.message).toMatch(/CPU/);
    expect(Date.now() - started).toBeLessThan(20_000);
    await stillServes();
  }, 30_000);

  it('stops a 1 GB file at the file-size limit', async () => {
    const { exit } = await sh('head -c 1073741824 /dev/zero > big.bin');
    expect(exit.reason).toBe('file-size');
    expect(exit.message).toMatch(/file larger than the limit/);
    const size = fs.statSync(path.join(dataDir, 'sandboxes', A, 'workspace', 'big.bin')).size;
    expect(size).toBeLessThanOrEqual(64 * 1024 ** 2);
    await sh('rm big.bin');
    await stillServes();
  }, 30_000);

  it('refuses to pull a huge workspace file into the server', async () => {
    await sh('head -c 40000000 /dev/zero > huge.bin');
    await expect(manager.get(A).fsRequest('readFile', { path: 'huge.bin' })).rejects.toMatchObject({ code: 'too_large:file' });
    await sh('rm huge.bin');
  });

  it('cannot fill RAM through /tmp, /dev/shm, /dev or the root folder (sized tmpfs, the rest read-only)', async () => {
    const fill = (target: string) => `head -c 100000000 /dev/zero 2>&1 > ${target}; echo "${target}=$?"`;
    const { output, exit } = await sh([fill('/tmp/fill'), fill('/dev/shm/fill'), fill('/dev/fill'), fill('/fill'), 'df -k /tmp | tail -1'].join('; '));
    expect(exit, output).toEqual({ code: 0 });
    expect(output).toMatch(/\/tmp\/fill=1/);
    expect(output).toMatch(/\/dev\/shm\/fill=1/);
    expect(output.match(/No space left on device/g), output).toHaveLength(2);
    expect(output).toMatch(/\/dev\/fill: Read-only file system/);
    expect(output).toMatch(/\/fill: Read-only file system/);
    expect(output).toMatch(/^tmpfs\s+16384\s/m);
    expect(output).not.toMatch(/File size limit/);
    await stillServes();
  });

  it('ends a command at its wall-clock limit', async () => {
    const { exit } = await sh('sleep 30', { timeoutMs: 500 });
    expect(exit.reason).toBe('timeout');
    expect(exit.message).toMatch(/wall-clock/);
  });
});
