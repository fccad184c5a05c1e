import { spawn as spawnPty } from 'node-pty';
import { describe, expect, it, vi } from 'vitest';
import type { ExitInfo, Sandbox, SandboxProcess } from '@/lib/sandbox/types';
import { TerminalsStore } from '@/lib/stores/terminals';

// Real shells on real PTYs (node-pty), behind the SandboxProcess shape: the store under test does
// not know it is not talking to a sandbox.
function ptySandbox(): Sandbox {
  let n = 0;
  const spawn = async (command: string, args: string[] = [], options: Parameters<Sandbox['spawn']>[2] = {}): Promise<SandboxProcess> => {
    const size = options.terminal ?? { cols: 80, rows: 24 };
    const pty = spawnPty(command, args, {
      cols: size.cols,
      rows: size.rows,
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: '/tmp', ...options.env },
    });
    const exit = new Promise<ExitInfo>((resolve) => pty.onExit(({ exitCode }) => resolve({ code: exitCode })));
    return {
      id: `p${++n}`,
      onOutput: (listener) => {
        const d = pty.onData(listener);
        return () => d.dispose();
      },
      write: (data) => pty.write(data),
      resize: ({ cols, rows }) => pty.resize(cols, rows),
      kill: () => pty.kill(),
      exit,
    };
  };
  return { kind: 'host', spawn } as unknown as Sandbox;
}

const statusOf = (store: TerminalsStore, id: string) => store.sessions.get().find((s) => s.id === id)?.status;

describe('TerminalsStore on real shells', () => {
  it('is ready at the first prompt, busy while a command runs, and buffers output for late views', async () => {
    const sandbox = ptySandbox();
    const store = new TerminalsStore({ sandbox: async () => sandbox });
    const id = store.openShell({ cols: 100, rows: 30 });
    expect(statusOf(store, id)).toBe('starting');
    await vi.waitFor(() => expect(statusOf(store, id)).toBe('ready'), { timeout: 10_000 });

    store.write(id, 'echo $((6 * 7)); tput cols\r');
    expect(statusOf(store, id)).toBe('busy');
    await vi.waitFor(() => expect(statusOf(store, id)).toBe('ready'), { timeout: 10_000 });

    let seen = '';
    const detach = store.attach(id, (chunk) => (seen += chunk));
    expect(seen).toMatch(/\b42\b/);
    expect(seen).toMatch(/\b100\b/);
    store.resize(id, { cols: 120, rows: 30 });
    store.write(id, 'tput cols\r');
    await vi.waitFor(() => expect(seen).toMatch(/\b120\b/), { timeout: 10_000 });
    detach();
    store.dispose();
  });

  it('several shells at once; closing one kills it and activates a neighbour; exit is reported', async () => {
    const sandbox = ptySandbox();
    const store = new TerminalsStore({ sandbox: async () => sandbox });
    const a = store.openShell();
    const b = store.openShell();
    expect(store.sessions.get().map((s) => s.title)).toEqual(['Terminal 1', 'Terminal 2']);
    expect(store.active.get()).toBe(b);
    await vi.waitFor(() => expect([statusOf(store, a), statusOf(store, b)]).toEqual(['ready', 'ready']), { timeout: 10_000 });
    store.close(b);
    expect(store.active.get()).toBe(a);
    store.write(a, 'exit 3\r');
    await vi.waitFor(() => expect(store.sessions.get()[0]).toMatchObject({ status: 'exited', exit: { code: 3 } }), { timeout: 10_000 });
    let out = '';
    store.attach(a, (c) => (out += c));
    expect(out).toContain('[process exited with code 3]');
    store.restart(a);
    await vi.waitFor(() => expect(statusOf(store, a)).toBe('ready'), { timeout: 10_000 });
    store.dispose();
  });

  it('a task adopted from elsewhere is read-only and shows how it ended', async () => {
    const sandbox = ptySandbox();
    const store = new TerminalsStore({ sandbox: async () => sandbox });
    const task = await sandbox.spawn('bash', ['-c', 'echo installing; exit 1']);
    const id = store.adopt('npm install', task);
    let out = '';
    store.attach(id, (c) => (out += c));
    await vi.waitFor(() => expect(store.sessions.get()[0]).toMatchObject({ kind: 'task', status: 'exited', exit: { code: 1 } }));
    expect(out).toContain('installing');
    store.write(id, 'rm -rf /\r');
    expect(out).not.toContain('rm -rf');
  });

  it('a sandbox that cannot start says why, in the status and in the terminal', async () => {
    const store = new TerminalsStore({ sandbox: async () => Promise.reject(new Error('bubblewrap is not installed')) });
    const id = store.openShell();
    await vi.waitFor(() => expect(store.sessions.get()[0]).toMatchObject({ status: 'failed', error: 'bubblewrap is not installed' }));
    let out = '';
    store.attach(id, (c) => (out += c));
    expect(out).toContain('Could not start the terminal: bubblewrap is not installed');
  });
});
