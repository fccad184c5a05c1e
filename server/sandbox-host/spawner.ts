import 'server-only';
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import split2 from 'split2';
import { z } from 'zod';
import { EMPTY_ENV, tool } from '@/server/sandbox-host/tools';

// The server's side of the sandbox spawner (sandbox-spawner.mjs): sandbox processes started by a small process
// of their own, so the fork's cost (it grows with the server's memory) never holds the event loop. A
// started process looks like a ChildProcess with pipes: stdin, readable fds, exit, close, kill (and
// resize, for a terminal: then stdout is its PTY). Its
// output passes through the spawner JSON-encoded; lines are capped while read and checked by schema.

const SCRIPT = path.join(path.dirname(fileURLToPath(import.meta.url)), 'sandbox-spawner.mjs');
/** An event line: one pipe read (at most 64 KiB) JSON-escaped. */
const MAX_LINE = 1024 * 1024;

const eventSchema = z.discriminatedUnion('type', [
  z.object({ id: z.number().int(), type: z.literal('spawn'), pid: z.number().int() }),
  z.object({ id: z.number().int(), type: z.literal('error'), message: z.string() }),
  z.object({ id: z.number().int(), type: z.literal('data'), fd: z.number().int().min(1).max(9), data: z.string() }),
  z.object({ id: z.number().int(), type: z.literal('exit'), code: z.number().int().nullable(), signal: z.string().nullable() }),
  z.object({ id: z.number().int(), type: z.literal('close') }),
]);

type Stdio = ('pipe' | 'ignore')[];

/** A process the spawner started: the parts of ChildProcess the sandbox host uses. */
export class SpawnedProcess extends EventEmitter {
  pid: number | undefined;
  exitCode: number | null = null;
  signalCode: string | null = null;
  killed = false;
  readonly stdin: Writable | null;
  readonly stdio: (Readable | Writable | null)[];

  constructor(
    private readonly send: (message: Record<string, unknown>) => void,
    stdio: Stdio,
  ) {
    super();
    this.stdin = stdio[0] === 'pipe' ? new Writable({ write: (chunk: Buffer, _enc, done) => (this.send({ op: 'write', data: chunk.toString() }), done()), final: (done) => (this.send({ op: 'end' }), done()) }) : null;
    // Backpressure: a full buffer here pauses the pipe in the spawner, a read resumes it.
    this.stdio = stdio.map((mode, fd) => (fd === 0 ? this.stdin : mode === 'pipe' ? new Readable({ read: () => this.#resume(fd) }) : null));
  }

  get stdout(): Readable | null {
    return this.stdio[1] as Readable | null;
  }

  get stderr(): Readable | null {
    return this.stdio[2] as Readable | null;
  }

  /** A terminal's new size (nothing for pipes). */
  resize(size: { cols: number; rows: number }): void {
    this.send({ op: 'resize', ...size });
  }

  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    if (this.exitCode !== null || this.signalCode !== null) return false;
    this.killed = true;
    this.send({ op: 'kill', signal });
    return true;
  }

  readonly #paused = new Set<number>();

  #resume(fd: number): void {
    if (this.#paused.delete(fd)) this.send({ op: 'resume', fd });
  }

  /** An event from the spawner. */
  receive(event: z.infer<typeof eventSchema>): void {
    if (event.type === 'spawn') {
      this.pid = event.pid;
      this.emit('spawn');
    } else if (event.type === 'error') this.emit('error', new Error(event.message));
    else if (event.type === 'data') {
      const stream = this.stdio[event.fd];
      if (stream instanceof Readable && !stream.push(event.data) && !this.#paused.has(event.fd)) {
        this.#paused.add(event.fd);
        this.send({ op: 'pause', fd: event.fd });
      }
    } else if (event.type === 'exit') {
      this.exitCode = event.code;
      this.signalCode = event.signal;
      this.emit('exit', event.code, event.signal);
    } else this.closed();
  }

  /** Its pipes end and 'close' follows (also when the spawner itself ended: then as killed). */
  closed(): void {
    if (this.exitCode === null && this.signalCode === null) {
      this.signalCode = 'SIGKILL';
      this.emit('exit', null, 'SIGKILL');
    }
    for (const stream of this.stdio.slice(1)) if (stream instanceof Readable) stream.push(null);
    this.emit('close', this.exitCode, this.signalCode);
  }
}

class Spawner {
  readonly #child: ChildProcess;
  readonly #processes = new Map<number, SpawnedProcess>();
  #nextId = 1;
  #ended = false;

  constructor() {
    // Started through setpriv for its parent-death signal: a server killed with SIGKILL takes it along.
    this.#child = spawn(tool('setpriv'), ['--pdeathsig=SIGKILL', '--', process.execPath, SCRIPT], { stdio: ['pipe', 'pipe', 'inherit'], env: EMPTY_ENV, cwd: '/' });
    this.#child.stdin?.on('error', () => {});
    const lines = this.#child.stdout!.pipe(split2({ maxLength: MAX_LINE }));
    lines.on('data', (line: string) => {
      const parsed = eventSchema.safeParse(JSON.parse(line));
      if (parsed.success) this.#processes.get(parsed.data.id)?.receive(parsed.data);
      if (parsed.success && parsed.data.type === 'close') {
        this.#processes.delete(parsed.data.id);
        if (this.#processes.size === 0) this.#stdout?.unref();
      }
    });
    lines.on('error', () => this.#child.kill('SIGKILL'));
    this.#child.on('exit', (code, signal) => {
      if (this.#processes.size > 0) console.error(`sandbox spawner ended (${signal ?? code}); its ${this.#processes.size} processes with it`);
      this.#end();
    });
    this.#child.on('error', () => this.#end());
    // Like a child process, a running sandbox process keeps the server's process alive; an idle spawner does not.
    this.#child.unref();
    (this.#child.stdin as Socket | null)?.unref();
    this.#stdout?.unref();
  }

  get #stdout(): Socket | null {
    return this.#child.stdout as Socket | null;
  }

  get alive(): boolean {
    return !this.#ended;
  }

  spawn(file: string, args: string[], stdio: Stdio, pty?: { cols: number; rows: number }): SpawnedProcess {
    const id = this.#nextId++;
    const proc = new SpawnedProcess((message) => this.#send({ ...message, id }), pty ? ['pipe', 'pipe'] : stdio);
    this.#processes.set(id, proc);
    this.#stdout?.ref();
    this.#send({ op: 'spawn', id, file, args, stdio, pty });
    return proc;
  }

  #send(message: Record<string, unknown>): void {
    if (!this.#ended) this.#child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const proc of this.#processes.values()) proc.closed();
    this.#processes.clear();
  }
}

let shared: Spawner | undefined;

/**
 * Starts a process through the shared spawner (started on first use, again if it ended); with `pty`, on
 * a terminal of that size (stdin and stdout are then the terminal's).
 */
export function spawnSandboxed(file: string, args: string[], stdio: Stdio, pty?: { cols: number; rows: number }): SpawnedProcess {
  if (!shared?.alive) shared = new Spawner();
  return shared.spawn(file, args, stdio, pty);
}
