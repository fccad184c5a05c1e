import { atom, type ReadableAtom } from 'nanostores';
import type { ExitInfo, Sandbox, SandboxProcess, Unsubscribe } from '@/lib/sandbox/types';
import { errorText } from '@/lib/errors';

// Terminal sessions on the sandbox: interactive shells (PTYs) and read-only task logs (install,
// dev server). Output is buffered here so a terminal view can be unmounted and remounted (tab switch,
// panel collapse) without losing what was printed.

export type TerminalStatus = 'starting' | 'ready' | 'busy' | 'exited' | 'failed';

export interface TerminalSession {
  id: string;
  title: string;
  kind: 'shell' | 'task';
  status: TerminalStatus;
  exit?: ExitInfo;
  error?: string;
}

export interface ShellCommand {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

/**
 * Shell integration marker (the OSC 633;A "prompt start" sequence VS Code uses): printed by the shell
 * before each prompt, so the store knows the shell is idle and waiting. Terminals ignore unknown OSCs.
 */
export const PROMPT_MARKER = '\u001b]633;A\u0007';

export function defaultShell(sandbox: Pick<Sandbox, 'kind'>): ShellCommand {
  if (sandbox.kind === 'webcontainer') return { command: 'jsh', args: [] };
  return {
    command: 'bash',
    args: ['--noprofile', '--norc', '-i'],
    env: { PROMPT_COMMAND: "printf '\\033]633;A\\007'", PS1: '\\w \\$ ', TERM: 'xterm-256color' },
  };
}

interface Live {
  process?: SandboxProcess;
  chunks: string[];
  bytes: number;
  listeners: Set<(chunk: string) => void>;
  unsubscribe?: Unsubscribe;
  size: { cols: number; rows: number };
  /** The shell prints PROMPT_MARKER before prompts; without it, the first output means ready. */
  marker: boolean;
  /** The end of the last chunk, so a marker split across two chunks is still seen. */
  tail: string;
}

export interface TerminalsStoreOptions {
  sandbox: () => Promise<Sandbox>;
  shell?: (sandbox: Sandbox) => ShellCommand;
  /** Output kept per terminal for views that attach later. */
  maxBufferBytes?: number;
}

let counter = 0;

export class TerminalsStore {
  readonly #sessions = atom<TerminalSession[]>([]);
  readonly #active = atom<string | null>(null);
  readonly sessions: ReadableAtom<TerminalSession[]> = this.#sessions;
  readonly active: ReadableAtom<string | null> = this.#active;

  readonly #live = new Map<string, Live>();
  readonly #opts: Required<TerminalsStoreOptions>;
  #shellCount = 0;

  constructor(options: TerminalsStoreOptions) {
    this.#opts = { shell: defaultShell, maxBufferBytes: 512 * 1024, ...options };
  }

  /** Opens a new shell tab and makes it active. */
  openShell(size: { cols: number; rows: number } = { cols: 80, rows: 24 }): string {
    const id = `term-${++counter}`;
    this.#add({ id, title: `Terminal ${++this.#shellCount}`, kind: 'shell', status: 'starting' }, size);
    void this.#start(id, (sandbox) => this.#spawnShell(id, sandbox));
    return id;
  }

  /** Shows a process started elsewhere (install, dev server) as a read-only tab. */
  adopt(title: string, process: SandboxProcess, options: { activate?: boolean } = {}): string {
    const existing = this.#sessions.get().find((s) => s.kind === 'task' && s.title === title);
    const id = existing?.id ?? `task-${++counter}`;
    if (existing) this.#teardown(id, false);
    else this.#add({ id, title, kind: 'task', status: 'busy' }, { cols: 80, rows: 24 }, options.activate ?? false);
    this.#patch(id, { status: 'busy', exit: undefined, error: undefined });
    this.#attachProcess(id, process);
    return id;
  }

  /** Subscribes a view: it first receives everything printed so far, then each new chunk. */
  attach(id: string, listener: (chunk: string) => void): Unsubscribe {
    const live = this.#live.get(id);
    if (!live) return () => {};
    if (live.chunks.length > 0) listener(live.chunks.join(''));
    live.listeners.add(listener);
    return () => live.listeners.delete(listener);
  }

  write(id: string, data: string): void {
    const session = this.#sessions.get().find((s) => s.id === id);
    const live = this.#live.get(id);
    if (!session || session.kind !== 'shell' || !live?.process) return;
    if (session.status === 'ready' && /[\r\n]/.test(data)) this.#patch(id, { status: 'busy' });
    live.process.write(data);
  }

  resize(id: string, size: { cols: number; rows: number }): void {
    const live = this.#live.get(id);
    if (!live || (live.size.cols === size.cols && live.size.rows === size.rows)) return;
    live.size = size;
    live.process?.resize(size);
  }

  activate(id: string): void {
    if (this.#live.has(id)) this.#active.set(id);
  }

  close(id: string): void {
    this.#teardown(id, true);
    const sessions = this.#sessions.get();
    const index = sessions.findIndex((s) => s.id === id);
    const next = sessions.filter((s) => s.id !== id);
    this.#sessions.set(next);
    this.#live.delete(id);
    if (this.#active.get() === id) this.#active.set(next[index]?.id ?? next[index - 1]?.id ?? null);
  }

  /** Starts a fresh shell in place of one that exited or failed. */
  restart(id: string): void {
    const session = this.#sessions.get().find((s) => s.id === id);
    if (!session || session.kind !== 'shell') return;
    this.#teardown(id, true);
    const live = this.#live.get(id)!;
    live.chunks = [];
    live.bytes = 0;
    this.#patch(id, { status: 'starting', exit: undefined, error: undefined });
    void this.#start(id, (sandbox) => this.#spawnShell(id, sandbox));
  }

  dispose(): void {
    for (const id of [...this.#live.keys()]) this.#teardown(id, true);
  }

  #add(session: TerminalSession, size: { cols: number; rows: number }, activate = true): void {
    this.#live.set(session.id, { chunks: [], bytes: 0, listeners: new Set(), size, marker: false, tail: '' });
    this.#sessions.set([...this.#sessions.get(), session]);
    if (activate || !this.#active.get()) this.#active.set(session.id);
  }

  #spawnShell(id: string, sandbox: Sandbox): Promise<SandboxProcess> {
    const shell = this.#opts.shell(sandbox);
    const live = this.#live.get(id)!;
    live.marker = shell.env?.PROMPT_COMMAND?.includes('633;A') ?? false;
    return sandbox.spawn(shell.command, shell.args, { terminal: live.size, env: shell.env });
  }

  async #start(id: string, spawn: (sandbox: Sandbox) => Promise<SandboxProcess>): Promise<void> {
    try {
      const sandbox = await this.#opts.sandbox();
      const process = await spawn(sandbox);
      if (!this.#live.has(id)) {
        process.kill();
        return;
      }
      this.#attachProcess(id, process);
    } catch (error) {
      const message = errorText(error);
      this.#patch(id, { status: 'failed', error: message });
      this.#emit(id, `\r\n\u001b[31mCould not start the terminal: ${message}\u001b[0m\r\n`);
    }
  }

  #attachProcess(id: string, process: SandboxProcess): void {
    const live = this.#live.get(id)!;
    live.process = process;
    const session = () => this.#sessions.get().find((s) => s.id === id);
    live.unsubscribe = process.onOutput((chunk) => {
      this.#emit(id, chunk);
      const seen = live.tail + chunk;
      live.tail = seen.slice(-PROMPT_MARKER.length);
      const s = session();
      if (s?.kind !== 'shell' || s.status === 'ready') return;
      if (live.marker ? seen.includes(PROMPT_MARKER) : s.status === 'starting') this.#patch(id, { status: 'ready' });
    });
    process.exit.then(
      (exit) => {
        if (live.process !== process) return;
        this.#patch(id, { status: 'exited', exit });
        const why = exit.message ?? (exit.reason ? `ended: ${exit.reason}` : `exited with code ${exit.code}`);
        this.#emit(id, `\r\n\u001b[2m[process ${why}]\u001b[0m\r\n`);
      },
      (error: unknown) => {
        if (live.process !== process) return;
        this.#patch(id, { status: 'failed', error: errorText(error) });
      },
    );
  }

  #teardown(id: string, kill: boolean): void {
    const live = this.#live.get(id);
    if (!live) return;
    live.unsubscribe?.();
    if (kill && live.process && this.#sessions.get().find((s) => s.id === id)?.kind === 'shell') live.process.kill();
    live.process = undefined;
    live.unsubscribe = undefined;
  }

  #emit(id: string, chunk: string): void {
    const live = this.#live.get(id);
    if (!live) return;
    live.chunks.push(chunk);
    live.bytes += chunk.length;
    while (live.bytes > this.#opts.maxBufferBytes && live.chunks.length > 1) live.bytes -= live.chunks.shift()!.length;
    for (const listener of live.listeners) listener(chunk);
  }

  #patch(id: string, patch: Partial<TerminalSession>): void {
    this.#sessions.set(this.#sessions.get().map((s) => (s.id === id ? { ...s, ...patch } : s)));
  }
}
