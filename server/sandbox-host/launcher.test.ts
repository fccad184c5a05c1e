import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ExitInfo, SpawnOptions } from '@/lib/sandbox/types';
import { DEFAULT_LIMITS, defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { processesOf } from '@/server/sandbox-host/testing';
import { missingTools } from '@/server/sandbox-host/tools';

// Commands start from one long-lived runner per workspace and policy (launcher.ts, sandbox-run.mjs)
// instead of a sandbox each. What a sandbox per command gave for free is checked here: nothing outlives
// its command, /tmp starts empty, a command cannot talk to the runner, and the limits still apply.

const canRun = process.getuid?.() === 0 && missingTools().length === 0;
const P = 'eeeeeeee-eeee-4eee-8eee-eeeeeeeeeeee';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-launcher-'));
const manager = new SandboxManager(defaultConfig(dir, { limits: { ...DEFAULT_LIMITS, cpuSeconds: 2 } }));
afterAll(async () => {
  await manager.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function sh(script: string, options: SpawnOptions = {}): Promise<{ output: string; exit: ExitInfo }> {
  const proc = await manager.get(P).spawn('sh', ['-c', script], options);
  let output = '';
  proc.onOutput((c) => (output += c));
  const exit = await proc.exit;
  return { output, exit };
}

const argvOf = (pid: number) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');

describe.skipIf(!canRun)('command runner', () => {
  it('starts commands without a bubblewrap of their own, from one runner per policy', async () => {
    const workspace = manager.get(P);
    const a = await workspace.spawn('sleep', ['1001']);
    const b = await workspace.spawn('sleep', ['1002']);
    try {
      const sleeps = () => processesOf(workspace.uid).filter((pid) => argvOf(pid)[0] === 'sleep');
      await expect.poll(() => sleeps().length).toBe(2);
      const bwraps = processesOf(workspace.uid).map(argvOf).filter((argv) => argv[0]?.endsWith('bwrap'));
      expect(bwraps.some((argv) => argv.includes('1001') || argv.includes('1002'))).toBe(false);
      // Both are children of the same runner.
      const parents = sleeps().map((pid) => Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]));
      expect(new Set(parents).size).toBe(1);
      expect(argvOf(parents[0]!).slice(0, 4)).toEqual(['node', '/opt/ide/sandbox-run.mjs', '2', '7']);
    } finally {
      a.kill();
      b.kill();
    }
    expect(await a.exit).toMatchObject({ reason: 'killed' });
    await b.exit;
  });

  it('ends what a command left running, in its session or in a new one, when the command ends', async () => {
    const { output, exit } = await sh('sleep 1003 & setsid sleep 1004 & nohup sleep 1005 >/dev/null 2>&1 & echo started');
    expect(exit).toEqual({ code: 0 });
    expect(output).toContain('started');
    const uid = manager.get(P).uid;
    await expect.poll(() => processesOf(uid).filter((pid) => /^sleep$/.test(argvOf(pid)[0] ?? '')).length, { timeout: 3000 }).toBe(0);
    const seen = await sh('ps -eo args');
    expect(seen.output).not.toMatch(/sleep 100[345]/);
  });

  it('gives each command an empty /tmp when no other command runs', async () => {
    await sh('echo left > /tmp/left-behind; mkdir -p /dev/shm/x');
    const { output } = await sh('ls -A /tmp /dev/shm');
    expect(output).not.toContain('left-behind');
    expect(output).not.toMatch(/^x$/m);
  });

  it("cannot write into the runner's control channel (a socket: /proc/<pid>/fd does not open it)", async () => {
    // A forged "start" would run a command the server does not know of, under the runner's CPU limit.
    const forged = JSON.stringify({ op: 'start', id: 'forged', command: 'sh', args: ['-c', 'echo forged > /workspace/forged'], cwd: '/workspace', env: {} });
    const { output } = await sh(
      `for p in $(pgrep -f sandbox-run.mjs); do echo '${forged}' > /proc/$p/fd/0 && echo "wrote $p"; ls -l /proc/$p/fd/0 /proc/$p/fd/1; done 2>&1`,
    );
    expect(output).toMatch(/socket:/);
    expect(output).not.toMatch(/wrote \d+/);
    await sh('sleep 0.3');
    expect(fs.existsSync(path.join(dir, 'sandboxes', P, 'workspace', 'forged'))).toBe(false);
  });

  it('still gives every command its own CPU limit', async () => {
    await sh('true'); // the runner has run a while
    const { exit } = await sh('while :; do :; done');
    expect(exit.reason).toBe('cpu');
    const { output } = await sh('ulimit -t; ulimit -Ht');
    expect(output.trim().split('\n')).toEqual(['2', '7']);
  }, 30_000);

  it('refuses a command with a NUL byte without ending the runner or the commands it runs', async () => {
    const workspace = manager.get(P);
    const running = await workspace.spawn('sleep', ['1006']);
    const bad = await workspace.spawn('echo', ['a\0b'], { env: { X: 'y\0z' } });
    let output = '';
    bad.onOutput((c) => (output += c));
    expect((await bad.exit).code).not.toBe(0);
    expect(output).toMatch(/null bytes/);
    expect(running.exited).toBe(false);
    expect((await sh('echo still')).output).toBe('still\n');
    running.kill();
    expect(await running.exit).toMatchObject({ reason: 'killed' });
  });

  it('reports a command that cannot start, and runs the next one', async () => {
    const proc = await manager.get(P).spawn('no-such-command', []);
    let output = '';
    proc.onOutput((c) => (output += c));
    const exit = await proc.exit;
    expect(exit.code).not.toBe(0);
    expect(output).toMatch(/no-such-command/);
    expect((await sh('echo next')).output).toBe('next\n');
  });
});
