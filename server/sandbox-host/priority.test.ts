import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { SANDBOX_NICENESS } from '@/server/sandbox-host/bwrap';
import { defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { processesOf } from '@/server/sandbox-host/testing';
import { missingTools } from '@/server/sandbox-host/tools';

// Sandboxes run at the lowest CPU priority, so a classroom's installs and test runs cannot starve the
// IDE server (its saves and joins), and a student cannot take the priority back.

const canRun = process.getuid?.() === 0 && missingTools().length === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-priority-'));
const manager = new SandboxManager(defaultConfig(dir, { idleMs: 60_000 }));
afterAll(async () => {
  await manager.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Name and nice value of a process (field 19 of /proc/<pid>/stat; the name in parentheses may hold spaces). */
function stat(pid: number): { name: string; nice: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const name = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
    return { name, nice: Number(text.slice(text.lastIndexOf(')') + 2).split(' ')[16]) };
  } catch {
    return undefined; // ended meanwhile
  }
}

async function run(workspace: ReturnType<SandboxManager['get']>, script: string, terminal = false): Promise<string> {
  const proc = await workspace.spawn('sh', ['-c', script], { network: 'off', ...(terminal ? { terminal: { cols: 80, rows: 24 } } : {}) });
  let output = '';
  proc.onOutput((chunk) => (output += chunk));
  await proc.exit;
  return output;
}

describe.skipIf(!canRun)('sandbox CPU priority', () => {
  it('runs every process of a sandbox (commands, terminals, the file helper, the network holder) at the lowest priority', async () => {
    const workspace = manager.get('7a1e0000-0000-4000-8000-000000000001');
    await workspace.fsRequest('writeFile', { path: 'a.txt', data: 'eA==' });
    const sleeper = await workspace.spawn('sleep', ['1000'], { network: 'off' });
    const terminal = await workspace.spawn('sleep', ['1000'], { network: 'off', terminal: { cols: 80, rows: 24 } });
    // Seen from inside: the command's own priority.
    expect((await run(workspace, "cut -d' ' -f19 /proc/self/stat")).trim()).toBe(String(SANDBOX_NICENESS));
    expect(await run(workspace, "cut -d' ' -f19 /proc/self/stat", true)).toContain(String(SANDBOX_NICENESS));
    // Seen from outside: every host process of the sandbox's uid (bwraps, their pid 1s, the helper, the
    // holder's sleep, both sleeps), once both sleeps run (before that, the wrappers are still starting).
    const processes = await vi.waitFor(() => {
      const found = processesOf(workspace.uid).map(stat).filter((p) => p !== undefined);
      expect(found.filter((p) => p.name === 'sleep')).toHaveLength(3);
      return found;
    });
    expect(processes.length).toBeGreaterThanOrEqual(8);
    expect(processes.filter((p) => p.nice !== SANDBOX_NICENESS)).toEqual([]);
    sleeper.kill();
    terminal.kill();
  }, 30_000);

  it('refuses to raise the priority back (renice to 0 is denied, the priority stays)', async () => {
    const workspace = manager.get('7a1e0000-0000-4000-8000-000000000002');
    const output = await run(workspace, "renice -n 0 -p $$ 2>&1; cut -d' ' -f19 /proc/self/stat");
    expect(output).toMatch(/permission denied/i);
    expect(output.trim().split('\n').at(-1)).toBe(String(SANDBOX_NICENESS));
  }, 30_000);
});
