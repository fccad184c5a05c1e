import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { processesOf } from '@/server/sandbox-host/testing';
import { missingTools } from '@/server/sandbox-host/tools';

// Resource boundaries of a whole sandbox and of a user: the disk a workspace may take, and how many
// sandboxes one user may keep running.

const canRun = process.getuid?.() === 0 && missingTools().length === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-limits-'));
const manager = new SandboxManager(
  defaultConfig(dir, { limits: { ...DEFAULT_LIMITS, diskBytes: 24 * 1024 ** 2 }, diskCheckMs: 200, livePerUser: 2, idleMs: 60_000 }),
);
afterAll(async () => {
  await manager.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

const id = (n: number) => `${String(n).repeat(8)}-0000-4000-8000-${String(n).repeat(12)}`;

describe.skipIf(!canRun)('workspace disk limit', () => {
  it('stops every process of a sandbox whose workspace grows past the limit, with a clear message', async () => {
    const workspace = manager.get(id(1));
    const idle = await workspace.spawn('sleep', ['1000']);
    const writer = await workspace.spawn('sh', ['-c', 'head -c 40000000 /dev/zero > big.bin; sleep 1000']);
    const [a, b] = await Promise.all([idle.exit, writer.exit]);
    for (const exit of [a, b]) {
      expect(exit.reason).toBe('disk');
      expect(exit.message).toMatch(/takes \d+ MB on disk, over its limit of 24 MB/);
    }
    // Under the limit again (the file removed), commands run to the end.
    await workspace.fsRequest('rm', { path: 'big.bin' });
    const ok = await workspace.spawn('sh', ['-c', 'head -c 4000000 /dev/zero > small.bin; sleep 0.6; echo done']);
    let output = '';
    ok.onOutput((c) => (output += c));
    expect(await ok.exit).toEqual({ code: 0 });
    expect(output).toContain('done');
    expect(await workspace.checkDisk()).toBeGreaterThanOrEqual(4_000_000);
  }, 30_000);
});

describe.skipIf(!canRun)('sandboxes per user', () => {
  it("ends the user's longest-idle sandbox to start another, and refuses when none of theirs is idle", async () => {
    const [p2, p3, p4, p5] = [id(2), id(3), id(4), id(5)];
    const release2 = await manager.attach(p2, 'user-a');
    const release3 = await manager.attach(p3, 'user-a');
    // Another user's sandboxes do not count against user-a.
    const other = await manager.attach(p5, 'user-b');
    await expect(manager.attach(p4, 'user-a')).rejects.toMatchObject({ code: 'rate_limit:sandbox', message: /already have 2 sandboxes running/ });
    expect(manager.peek(p4)).toBeUndefined();

    const running = await manager.get(p3).spawn('sleep', ['1000']);
    release3(); // p3 idle first, then p2
    release2();
    const release4 = await manager.attach(p4, 'user-a');
    expect(manager.peek(p3)).toBeUndefined();
    expect(await running.exit).toMatchObject({ reason: 'teardown' });
    expect(manager.peek(p2)).toBeDefined();
    expect(manager.peek(p5)).toBeDefined();
    release4();
    other();
  });

  it('lets only one of two concurrent starts take the last place', async () => {
    const results = await Promise.allSettled([manager.attach(id(6), 'user-c'), manager.attach(id(7), 'user-c'), manager.attach(id(8), 'user-c')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    expect(results.filter((r) => r.status === 'rejected')).toHaveLength(1);
  });
});

describe.skipIf(!canRun)('the in-sandbox file helper', () => {
  it('runs from a root-owned, world-readable copy in the sandbox folder, never from the checkout', async () => {
    const workspace = manager.get(id(9));
    await workspace.fsRequest('readdir', { path: '' });
    const commands = processesOf(workspace.uid).map((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0'));
    const helper = commands.find((argv) => argv.includes('/opt/ide/sandbox-fs.mjs') && argv[0]?.endsWith('bwrap'));
    const source = helper?.[helper.indexOf('/opt/ide/sandbox-fs.mjs') - 1] ?? '';
    expect(source).toMatch(new RegExp(`^${dir}/helpers/sandbox-fs-[0-9a-f]{12}\\.mjs$`));
    const stat = fs.statSync(source);
    expect([stat.uid, stat.mode & 0o777, fs.statSync(path.dirname(source)).mode & 0o777]).toEqual([0, 0o644, 0o755]);
    expect(fs.readFileSync(source, 'utf8')).toBe(fs.readFileSync(path.join(import.meta.dirname, 'sandbox-fs.mjs'), 'utf8'));
  });
});

describe('sandbox socket paths', () => {
  it('refuses a socket folder whose socket paths would not fit a unix socket address', () => {
    const long = `/run/${'x'.repeat(60)}`;
    expect(() => new SandboxManager(defaultConfig(dir, { runRoot: long }))).toThrow(/too long/);
    expect(() => new SandboxManager(defaultConfig(`/tmp/${'a'.repeat(150)}`))).not.toThrow();
  });
});
