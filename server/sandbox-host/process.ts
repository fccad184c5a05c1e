import 'server-only';
import { StringDecoder } from 'node:string_decoder';
import type { ExitInfo } from '@/lib/sandbox/types';
import type { SandboxLimits } from '@/server/sandbox-host/config';
import { spawnSandboxed, type SpawnedProcess } from '@/server/sandbox-host/spawner';

// One sandboxed process tree as the server sees it: the outer bwrap process (killing it ends the whole
// tree: the sandbox's pid 1 dies with its parent and takes its namespace with it), its output as one
// stream (a PTY's, or stdout and stderr interleaved), stdin, resize, pause/resume for backpressure,
// and an exit that says why the sandbox ended it.

type Reason = NonNullable<ExitInfo['reason']>;

const TAIL = 8 * 1024;

/** What a process started elsewhere (the workspace's command runner, launcher.ts) reports. */
export interface ProcessEvents {
  onOutput(chunk: string): void;
  onExit(code: number, signal: string | null, message?: string): void;
}

/** A process started elsewhere, as HostProcess drives it. */
export interface ProcessBackend {
  write(data: string): void;
  end(): void;
  kill(): void;
  pause(): void;
  resume(): void;
}

export interface HostProcessOptions {
  id: string;
  /** argv: [file, ...args], already wrapped in setpriv/prlimit/bwrap; or `start`, for a command the runner starts. */
  argv?: string[];
  start?: (events: ProcessEvents) => ProcessBackend;
  terminal?: { cols: number; rows: number };
  /** Wall clock; undefined for none (terminals). */
  timeoutMs?: number;
  limits: SandboxLimits;
  /** Output cap for non-terminal commands. */
  outputBytes?: number;
}

export class HostProcess {
  readonly id: string;
  readonly exit: Promise<ExitInfo>;
  readonly startedAt = Date.now();
  #resolveExit!: (info: ExitInfo) => void;
  #listeners = new Set<(chunk: string) => void>();
  #child?: SpawnedProcess;
  #backend?: ProcessBackend;
  #tail = '';
  #outputBytes = 0;
  #endedBy?: { reason: Reason; message: string };
  #timer?: NodeJS.Timeout;
  #done = false;
  #paused = false;

  constructor(private readonly options: HostProcessOptions) {
    this.id = options.id;
    this.exit = new Promise((resolve) => (this.#resolveExit = resolve));
    const [file, ...args] = options.argv ?? [];
    if (options.start) {
      this.#backend = options.start({
        onOutput: (chunk) => this.#output(chunk),
        onExit: (code, signal, message) => {
          if (message) this.#endedBy ??= { reason: 'killed', message };
          this.#finish(code, signal);
        },
      });
    } else if (!file) throw new Error('empty argv');
    else {
      // Forked by the spawner, not by the server (spawner.ts): a terminal on a PTY, anything else on pipes.
      const child = options.terminal ? spawnSandboxed(file, args, ['pipe', 'pipe'], options.terminal) : spawnSandboxed(file, args, ['pipe', 'pipe', 'pipe']);
      this.#child = child;
      for (const stream of [child.stdout, child.stderr]) {
        const decoder = new StringDecoder('utf8');
        stream?.on('data', (data: Buffer) => this.#output(decoder.write(data)));
      }
      child.stdin?.on('error', () => {});
      child.on('error', (error: Error) => {
        this.#output(`${error.message}\n`);
        this.#finish(127, null);
      });
      child.on('close', (code: number | null, signal: string | null) => this.#finish(code ?? 128, signal));
    }
    if (options.timeoutMs) {
      this.#timer = setTimeout(
        () => this.kill('timeout', `Ended after ${Math.round(options.timeoutMs! / 1000)} s: the wall-clock limit for commands.`),
        options.timeoutMs,
      );
    }
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get exited(): boolean {
    return this.#done;
  }

  onOutput(listener: (chunk: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  write(data: string): void {
    if (this.#done) return;
    if (this.#backend) this.#backend.write(data);
    else this.#child?.stdin?.write(data);
  }

  /** Closes stdin (pipes only). */
  endInput(): void {
    if (this.#backend && !this.#done) this.#backend.end();
    this.#child?.stdin?.end();
  }

  resize(size: { cols: number; rows: number }): void {
    if (!this.#done && this.options.terminal) this.#child?.resize(size);
  }

  /** Stops reading output until resume(): the process blocks on a full pipe instead of the server buffering. */
  pause(): void {
    if (this.#paused || this.#done) return;
    this.#paused = true;
    if (this.#backend) this.#backend.pause();
    else {
      this.#child?.stdout?.pause();
      this.#child?.stderr?.pause();
    }
  }

  resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    if (this.#backend) this.#backend.resume();
    else {
      this.#child?.stdout?.resume();
      this.#child?.stderr?.resume();
    }
  }

  kill(reason: Reason = 'killed', message = 'Stopped.'): void {
    if (this.#done) return;
    this.#endedBy ??= { reason, message };
    this.resume();
    if (this.#backend) return this.#backend.kill();
    this.#child?.kill('SIGKILL');
  }

  #output(chunk: string): void {
    if (!chunk) return;
    this.#outputBytes += chunk.length;
    this.#tail = (this.#tail + chunk).slice(-TAIL);
    for (const listener of this.#listeners) listener(chunk);
    const cap = this.options.terminal ? undefined : this.options.outputBytes;
    if (cap && this.#outputBytes > cap) {
      this.kill('output', `Ended after ${Math.round(cap / 1024 ** 2)} MB of output: the output limit for commands.`);
    }
  }

  #finish(code: number, signal: NodeJS.Signals | string | null): void {
    if (this.#done) return;
    this.#done = true;
    clearTimeout(this.#timer);
    const info = exitInfo(code, signal, this.#endedBy, this.#tail, this.options.limits);
    this.#listeners.clear();
    this.#resolveExit(info);
  }
}

const SIGNALS: Record<number, string> = { 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 24: 'SIGXCPU', 25: 'SIGXFSZ' };
const OUT_OF_MEMORY = /out of memory|Cannot allocate memory|allocation failed|bad_alloc|MemoryError|memory exhausted/i;
const NO_FORK = /Cannot fork|fork: (retry: )?Resource temporarily unavailable|Resource temporarily unavailable|EAGAIN/;

/** Exit code and signal (bwrap reports a child's death by signal N as 128+N) → ExitInfo with a reason. */
export function exitInfo(
  code: number,
  signal: string | null,
  endedBy: { reason: Reason; message: string } | undefined,
  tail: string,
  limits: SandboxLimits,
): ExitInfo {
  const signalName = signal ?? (code > 128 && code < 160 ? SIGNALS[code - 128] : undefined);
  const exitCode = signal ? 128 + (signalNumber(signal) ?? 0) : code;
  if (endedBy) {
    const reason = endedBy.reason === 'timeout' && NO_FORK.test(tail) ? 'processes' : endedBy.reason;
    const message =
      reason === 'processes'
        ? `Ended: it kept hitting the process limit (${limits.processes} processes), like a fork bomb does.`
        : endedBy.message;
    return { code: exitCode, reason, message };
  }
  if (signalName === 'SIGXCPU') {
    return { code: exitCode, reason: 'cpu', message: `Ended: used its CPU time limit (${limits.cpuSeconds} s of CPU).` };
  }
  if (signalName === 'SIGXFSZ') {
    return {
      code: exitCode,
      reason: 'file-size',
      message: `Ended: tried to write a file larger than the limit (${Math.round(limits.fileSizeBytes / 1024 ** 2)} MB).`,
    };
  }
  if (code !== 0 && OUT_OF_MEMORY.test(tail)) {
    return {
      code: exitCode,
      reason: 'memory',
      message: `Ended: ran out of memory (the limit is ${Math.round(limits.memoryBytes / 1024 ** 2)} MB per process).`,
    };
  }
  if (code !== 0 && NO_FORK.test(tail) && /fork/i.test(tail)) {
    return { code: exitCode, reason: 'processes', message: `Ended: hit the process limit (${limits.processes} processes).` };
  }
  return { code: exitCode };
}

function signalNumber(signal: string): number | undefined {
  const entry = Object.entries(SIGNALS).find(([, name]) => name === signal);
  if (entry) return Number(entry[0]);
  const map: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGTERM: 15, SIGPIPE: 13 };
  return map[signal];
}
