import { spawn as spawnChild } from 'node:child_process';
import { mkdtemp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { DirEntry, ExitInfo, Sandbox, SandboxProcess, ServerReadyEvent } from '@/lib/sandbox/types';

// Test only: a Sandbox over a temporary folder with real child processes (no isolation), so the
// agent's tools are tested against real files and real shells. Node-only; never bundled.

export async function createDirSandbox(): Promise<Sandbox & { root: string; emitServerReady(e: ServerReadyEvent): void }> {
  const root = await mkdtemp(join(tmpdir(), 'agent-sbx-'));
  const at = (path: string) => join(root, path === '.' ? '' : path);
  const processes = new Set<SandboxProcess>();
  const ready = new Set<(e: ServerReadyEvent) => void>();
  let seq = 0;

  return {
    kind: 'host',
    root,
    emitServerReady: (e) => ready.forEach((l) => l(e)),
    fs: {
      readFile: async (p) => new Uint8Array(await readFile(at(p))),
      readTextFile: (p) => readFile(at(p), 'utf8'),
      writeFile: async (p, data) => {
        await mkdir(dirname(at(p)), { recursive: true });
        await writeFile(at(p), data);
      },
      mkdir: async (p, o) => void (await mkdir(at(p), o)),
      readdir: async (p): Promise<DirEntry[]> =>
        (await readdir(at(p), { withFileTypes: true })).map((d) => ({ name: d.name, kind: d.isDirectory() ? 'directory' : 'file' })),
      rm: (p, o) => rm(at(p), o),
      rename: (a, b) => rename(at(a), at(b)),
      watch: () => () => {},
    },
    async spawn(command, args = [], options = {}) {
      const child = spawnChild(command, args, {
        cwd: at(options.cwd ?? '.'),
        env: { ...process.env, ...options.env },
        detached: true,
      });
      const listeners = new Set<(chunk: string) => void>();
      const emit = (b: Buffer) => listeners.forEach((l) => l(b.toString('utf8')));
      child.stdout.on('data', emit);
      child.stderr.on('data', emit);
      let reason: ExitInfo['reason'];
      const killGroup = () => {
        try {
          if (child.pid) process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      };
      const timer = options.timeoutMs
        ? setTimeout(() => {
            reason = 'timeout';
            killGroup();
          }, options.timeoutMs)
        : undefined;
      const exit = new Promise<ExitInfo>((resolve) => {
        child.on('error', (e) => resolve({ code: 127, message: e.message }));
        child.on('close', (code, signal) => {
          clearTimeout(timer);
          processes.delete(proc);
          resolve({ code: code ?? (signal ? 128 + 9 : 1), ...(reason ? { reason } : {}) });
        });
      });
      const proc: SandboxProcess = {
        id: `p${++seq}`,
        onOutput: (l) => (listeners.add(l), () => listeners.delete(l)),
        write: (d) => child.stdin.write(d),
        resize: () => {},
        kill: () => {
          reason ??= 'killed';
          killGroup();
        },
        exit,
      };
      processes.add(proc);
      return proc;
    },
    onServerReady: (l) => (ready.add(l), () => ready.delete(l)),
    onPortClosed: () => () => {},
    mount: async () => {},
    exportTree: async () => ({}),
    async dispose() {
      processes.forEach((p) => p.kill());
      await rm(root, { recursive: true, force: true });
    },
  };
}
