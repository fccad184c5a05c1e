import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesOf } from '@/server/sandbox-host/testing';
import { missingTools } from '@/server/sandbox-host/tools';

// No sandbox process outlives the server, even when the server is killed with SIGKILL (no cleanup runs):
// the parent-death signal ends each bwrap (and the preview forwarders outside bwrap), and bwrap's
// --die-with-parent ends the sandbox's pid 1, which takes its pid namespace with it.

const canRun = process.getuid?.() === 0 && missingTools().length === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-outlive-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!canRun)('sandbox processes and the server', () => {
  it('leaves no process of the sandbox uid behind when the server is killed with SIGKILL', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(
      process.execPath,
      ['--import', './server/runtime/register.mjs', '--import', 'tsx', 'server/sandbox-host/outlive-child.ts', dir, 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const uid = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const match = /ready (\d+)/.exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`the stand-in server exited (${code}): ${stderr}`)));
    });
    // The command and its child, the dev server, the file helper, two holders, socat in one, the forwarder.
    expect(processesOf(uid).length).toBeGreaterThanOrEqual(8);
    child.kill('SIGKILL');
    await expect.poll(() => processesOf(uid), { timeout: 10_000, interval: 100 }).toEqual([]);
  }, 60_000);
});
