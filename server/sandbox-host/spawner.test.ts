import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spawnSandboxed, type SpawnedProcess } from '@/server/sandbox-host/spawner';
import { missingTools } from '@/server/sandbox-host/tools';

// Sandbox processes are forked by the spawner, a small process of its own, never by the server (whose
// fork cost grows with its memory and held its event loop): pipes, exit and kill work through it.

const canRun = !missingTools().includes('setpriv');

function collect(proc: SpawnedProcess, fd: number): () => string {
  let text = '';
  (proc.stdio[fd] as NodeJS.ReadableStream).on('data', (d: Buffer) => (text += d.toString()));
  return () => text;
}

const closed = (proc: SpawnedProcess) =>
  new Promise<{ code: number | null; signal: string | null }>((resolve) => proc.once('close', (code: number | null, signal: string | null) => resolve({ code, signal })));

describe.skipIf(!canRun)('the sandbox spawner', () => {
  it('starts the process from its own small process, with stdin, stdout and extra pipes, and reports the exit', async () => {
    const proc = spawnSandboxed('/bin/sh', ['-c', 'echo parent:$PPID; read line; echo got:$line; echo info >&3; echo oops >&2; exit 3'], ['pipe', 'pipe', 'pipe', 'pipe']);
    const [out, err, info] = [collect(proc, 1), collect(proc, 2), collect(proc, 3)];
    const exit = closed(proc);
    proc.stdin!.end('hello\n');
    expect(await exit).toEqual({ code: 3, signal: null });
    expect(out()).toContain('got:hello');
    expect(err()).toBe('oops\n');
    expect(info()).toBe('info\n');
    const parent = Number(/parent:(\d+)/.exec(out())?.[1]);
    expect(parent).not.toBe(process.pid);
    expect(fs.readFileSync(`/proc/${parent}/cmdline`, 'utf8')).toContain('sandbox-spawner.mjs');
    expect(proc.exitCode).toBe(3);
  });

  it('runs a terminal on a PTY of the given size, and resizes it', async () => {
    const proc = spawnSandboxed('/bin/sh', ['-c', 'stty size; read line; stty size'], ['pipe', 'pipe'], { cols: 100, rows: 30 });
    const out = collect(proc, 1);
    const exit = closed(proc);
    await expect.poll(out).toContain('30 100');
    proc.resize({ cols: 120, rows: 40 });
    proc.stdin!.write('go\r');
    expect(await exit).toEqual({ code: 0, signal: null });
    expect(out()).toContain('40 120');
  });

  it('kills a process it started', async () => {
    const proc = spawnSandboxed('/bin/sleep', ['1000'], ['ignore', 'pipe', 'pipe']);
    await new Promise((resolve) => proc.once('spawn', resolve));
    expect(fs.existsSync(`/proc/${proc.pid}`)).toBe(true);
    const exit = closed(proc);
    proc.kill('SIGKILL');
    expect(await exit).toEqual({ code: null, signal: 'SIGKILL' });
  });

  it('reports a program that cannot start as an error', async () => {
    const proc = spawnSandboxed('/nonexistent/program', [], ['ignore', 'pipe', 'pipe']);
    await expect(new Promise((_, reject) => proc.once('error', reject))).rejects.toThrow(/ENOENT/);
  });
});
