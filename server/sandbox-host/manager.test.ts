import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { processesOf } from '@/server/sandbox-host/testing';

const P = 'dddddddd-dddd-4ddd-8ddd-dddddddddddd';
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-manager-'));
const manager = new SandboxManager(defaultConfig(dataDir, { idleMs: 400 }));
afterAll(async () => {
  await manager.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('sandbox manager', () => {
  it('shares one workspace per project and ends its processes after the idle time with nobody attached', async () => {
    const release = await manager.attach(P);
    const second = await manager.attach(P);
    const workspace = manager.get(P);
    expect(manager.get(P)).toBe(workspace);
    const proc = await workspace.spawn('sleep', ['1000']);
    release();
    await new Promise((r) => setTimeout(r, 700));
    expect(proc.exited).toBe(false); // one socket is still attached
    second();
    const exit = await proc.exit;
    expect(exit).toMatchObject({ reason: 'teardown', message: 'The sandbox was shut down.' });
    expect(manager.peek(P)).toBeUndefined();
    // Files stay for next time.
    expect(fs.existsSync(path.join(dataDir, 'sandboxes', P, 'workspace'))).toBe(true);
  });

  it('leaves nothing behind when a sandbox is torn down right after its commands start', async () => {
    // bwrap's --die-with-parent alone missed sandboxes still setting up: they lived on under init.
    const Q = 'abababab-abab-4bab-8bab-abababababab';
    const uid = manager.get(Q).uid;
    for (let i = 0; i < 10; i++) {
      const workspace = manager.get(Q);
      await workspace.spawn('sleep', ['1000']);
      await workspace.spawn('sleep', ['1000'], { network: 'off' });
      await manager.release(Q);
    }
    await expect.poll(() => processesOf(uid), { timeout: 5000, interval: 100 }).toEqual([]);
  }, 60_000);
});
