import 'server-only';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { AppError } from '@/lib/errors';
import type { FsEvent } from '@/lib/sandbox/types';
import { baseEnv, bwrapArgs, privilegeAndLimitArgs, type SandboxDirs } from '@/server/sandbox-host/bwrap';
import type { SandboxHostConfig } from '@/server/sandbox-host/config';
import { spawnSandboxed, type SpawnedProcess } from '@/server/sandbox-host/spawner';
import { tool } from '@/server/sandbox-host/tools';

// The server's handle on a workspace's files: a node process inside the project's sandbox (sandbox-fs.mjs)
// that does every read, write and watch with the sandbox's rights and view. Restarted on demand.

const HERE = path.dirname(fileURLToPath(import.meta.url));
const INSIDE = '/opt/ide/sandbox-fs.mjs';
const installed = new Map<string, string>();

/**
 * A helper script (sandbox-fs, sandbox-run) as sandboxes see it: a root-owned, world-readable copy in the
 * sandbox folder, named by its content. Never bound from the checkout, which may lie in a folder sandbox
 * uids cannot pass (a 700 home).
 */
export function installHelper(helpersDir: string, name: 'sandbox-fs' | 'sandbox-run' = 'sandbox-fs'): string {
  const key = `${helpersDir}\0${name}`;
  const done = installed.get(key);
  if (done) return done;
  const source = fs.readFileSync(path.join(HERE, `${name}.mjs`));
  const file = path.join(helpersDir, `${name}-${createHash('sha256').update(source).digest('hex').slice(0, 12)}.mjs`);
  fs.mkdirSync(helpersDir, { recursive: true, mode: 0o755 });
  fs.chmodSync(helpersDir, 0o755);
  if (!fs.existsSync(file) || !source.equals(fs.readFileSync(file))) {
    // Written whole, then renamed: a helper starting meanwhile never reads half a file.
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, source);
    fs.chmodSync(temp, 0o644);
    fs.renameSync(temp, file);
  }
  installed.set(key, file);
  return file;
}

const codeMap: Record<string, ConstructorParameters<typeof AppError>[0]> = {
  ENOENT: 'not_found:file',
  EEXIST: 'conflict:file',
  ENOTDIR: 'bad_request:file',
  EISDIR: 'bad_request:file',
  ENOTEMPTY: 'conflict:file',
  EBADPATH: 'bad_request:file',
  EACCES: 'forbidden:file',
  EROFS: 'forbidden:file',
  ETOOBIG: 'too_large:file',
};

export class FsHelper {
  #child?: SpawnedProcess;
  #nextId = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #watching = false;

  constructor(
    private readonly options: { dirs: SandboxDirs; uid: number; config: SandboxHostConfig; onEvents: (events: FsEvent[]) => void },
  ) {}

  #ensure(): SpawnedProcess {
    if (this.#child && this.#child.exitCode === null && !this.#child.killed) return this.#child;
    const { dirs, uid, config } = this.options;
    const argv = [
      ...privilegeAndLimitArgs(uid, config.limits, { cpuSeconds: 365 * 24 * 3600 }),
      tool('bwrap'),
      ...bwrapArgs(
        {
          dirs,
          unshareNet: true,
          newSession: true,
          cwd: '/workspace',
          env: baseEnv({ terminal: false, npmRegistry: config.npmRegistry }),
          tmpBytes: config.limits.tmpBytes,
          binds: [[installHelper(config.helpers), INSIDE, 'ro'], ...(fs.existsSync(config.npmCache) ? [[config.npmCache, '/opt/npm-cache', 'ro'] as [string, string, 'ro']] : [])],
        },
        ['node', INSIDE],
      ),
    ];
    const child = spawnSandboxed(argv[0]!, argv.slice(1), ['pipe', 'pipe', 'pipe']);
    this.#child = child;
    if (this.#watching) {
      // A restarted helper resumes watching for the subscribers that are still there.
      child.stdin?.write(`${JSON.stringify({ id: 0, op: 'watchStart' })}\n`);
    }
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    child.stdin?.on('error', () => {});
    const lines = readline.createInterface({ input: child.stdout!, crlfDelay: Infinity });
    lines.on('line', (line) => {
      const message = JSON.parse(line) as
        | { id: number; ok: true; result: unknown }
        | { id: number; ok: false; error: { code: string; message: string } }
        | { type: 'fs'; events: FsEvent[] };
      if ('type' in message) {
        this.options.onEvents(message.events);
        return;
      }
      const waiter = this.#pending.get(message.id);
      if (!waiter) return;
      this.#pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(toAppError(message.error));
    });
    child.on('exit', () => {
      const error = new AppError('unavailable:sandbox', `The sandbox's file helper stopped. ${stderr.trim()}`.trim());
      for (const waiter of this.#pending.values()) waiter.reject(error);
      this.#pending.clear();
      if (this.#child === child) this.#child = undefined;
    });
    return child;
  }

  request<T>(op: string, fields: Record<string, unknown> = {}): Promise<T> {
    const child = this.#ensure();
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.stdin!.write(`${JSON.stringify({ ...fields, id, op })}\n`);
    });
  }

  /** Starts the workspace watcher (once per helper lifetime). */
  async watch(): Promise<void> {
    if (this.#watching && this.#child) return;
    this.#watching = true;
    await this.request('watchStart');
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  dispose(): void {
    const child = this.#child;
    this.#child = undefined;
    if (child && child.exitCode === null) child.kill('SIGKILL');
  }
}

const details: Record<string, string> = {
  ENOENT: 'No such file or folder.',
  EBADPATH: 'That path is not allowed.',
  EEXIST: 'It already exists.',
  ENOTEMPTY: 'The folder is not empty.',
  ETOOBIG: 'It is too large to open here (the limit is 32 MB; the whole export 64 MB).',
};

function toAppError(error: { code: string; message: string }): AppError {
  return new AppError(codeMap[error.code] ?? 'bad_request:sandbox', details[error.code] ?? error.message.replace(/\/workspace\/?/g, ''));
}
