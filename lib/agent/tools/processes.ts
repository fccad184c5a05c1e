import { commandShell } from '@/lib/agent/environment';
import type { ToolArgs } from '@/lib/agent/protocol';
import { ToolError, type ToolContext, type ToolOutcome } from '@/lib/agent/tools/context';
import { OutputCollector, plainText } from '@/lib/agent/tools/output';
import type { ExitInfo, SandboxProcess, Unsubscribe } from '@/lib/sandbox/types';

// run_command (wait, with a timeout) and the background processes of start_process, kept in a
// registry that outlives one turn so a dev server started in one step can be read or stopped later.

export const PROCESS_LIMITS = {
  defaultTimeoutMs: 120_000,
  /** Characters kept from the start and from the end of a command's output. */
  keepChars: 6_000,
  /** Output kept per background process. */
  bufferChars: 200_000,
  maxProcesses: 8,
  /** How long start_process waits for first output or a server before answering. */
  startWaitMs: 4_000,
} as const;

function describeExit(exit: ExitInfo): string {
  const why = exit.reason === 'timeout' ? ' (timed out)' : exit.reason === 'killed' ? ' (stopped)' : exit.reason ? ` (${exit.reason})` : '';
  return `exit code ${exit.code}${why}${exit.message ? `: ${exit.message}` : ''}`;
}

export async function runCommand(ctx: ToolContext, args: ToolArgs<'run_command'>): Promise<ToolOutcome> {
  const shell = ctx.env.shell?.(ctx.sandbox) ?? commandShell(ctx.sandbox);
  const timeoutMs = args.timeoutMs ?? PROCESS_LIMITS.defaultTimeoutMs;
  if (ctx.signal.aborted) throw new ToolError('Stopped before the command started.');
  const started = performance.now();
  const proc = await ctx.sandbox.spawn(shell.command, [...shell.args, args.command], { network: ctx.env.network(), timeoutMs });
  const collector = new OutputCollector(PROCESS_LIMITS.keepChars);
  const off = proc.onOutput((chunk) => collector.push(chunk));
  let stopped = false;
  let timedOut = false;
  const onAbort = () => {
    stopped = true;
    proc.kill();
  };
  ctx.signal.addEventListener('abort', onAbort);
  // Stop may have been pressed while the process was being spawned.
  if (ctx.signal.aborted) onAbort();
  // The sandbox enforces the timeout too; this one also covers adapters that do not.
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill();
  }, timeoutMs + 2_000);
  let exit: ExitInfo;
  try {
    exit = await proc.exit;
  } finally {
    clearTimeout(timer);
    off();
    ctx.signal.removeEventListener('abort', onAbort);
  }
  if (stopped) exit = { ...exit, reason: 'killed', message: exit.message ?? 'stopped by the user' };
  else if (timedOut) exit = { ...exit, reason: 'timeout' };
  const output = plainText(collector.text()).trimEnd();
  const summary = exit.reason === 'timeout' ? `${describeExit(exit)} after ${Math.round(timeoutMs / 1000)} s` : describeExit(exit);
  return {
    ok: exit.code === 0 && !exit.reason,
    output: `$ ${args.command}\n${summary}\n${output || '(no output)'}`,
    detail: { kind: 'command', command: args.command, exitCode: exit.code, reason: exit.reason, output, ms: Math.round(performance.now() - started) },
  };
}

interface Background {
  id: string;
  command: string;
  process: SandboxProcess;
  output: string;
  dropped: number;
  exit?: ExitInfo;
  off: Unsubscribe;
}

/** Background processes the agent started, across turns; killed when the agent store is disposed. */
export class ProcessRegistry {
  readonly #live = new Map<string, Background>();
  #seq = 0;

  add(command: string, process: SandboxProcess): Background {
    const id = `proc-${++this.#seq}`;
    const entry: Background = { id, command, process, output: '', dropped: 0, off: () => {} };
    entry.off = process.onOutput((chunk) => {
      entry.output += chunk;
      if (entry.output.length > PROCESS_LIMITS.bufferChars) {
        const cut = entry.output.length - PROCESS_LIMITS.bufferChars;
        entry.dropped += cut;
        entry.output = entry.output.slice(cut);
      }
    });
    void process.exit.then((exit) => (entry.exit = exit));
    this.#live.set(id, entry);
    return entry;
  }

  get(id: string): Background {
    const entry = this.#live.get(id);
    if (!entry) throw new ToolError(`No process "${id}". Running: ${this.running().join(', ') || 'none'}.`);
    return entry;
  }

  running(): string[] {
    return [...this.#live.values()].filter((e) => !e.exit).map((e) => e.id);
  }

  async stop(id: string): Promise<ExitInfo> {
    const entry = this.get(id);
    if (!entry.exit) entry.process.kill();
    const exit = await Promise.race([entry.process.exit, new Promise<null>((r) => setTimeout(() => r(null), 5_000))]);
    entry.off();
    this.#live.delete(id);
    return exit ?? { code: -1, reason: 'killed', message: 'did not exit within 5 s of being stopped' };
  }

  dispose(): void {
    for (const entry of this.#live.values()) {
      entry.off();
      if (!entry.exit) entry.process.kill();
    }
    this.#live.clear();
  }
}

function tailLines(text: string, n: number): string {
  const lines = plainText(text).trimEnd().split('\n');
  return lines.slice(-n).join('\n');
}

export async function startProcess(ctx: ToolContext, args: ToolArgs<'start_process'>): Promise<ToolOutcome> {
  if (ctx.processes.running().length >= PROCESS_LIMITS.maxProcesses) {
    throw new ToolError(`Already ${PROCESS_LIMITS.maxProcesses} processes running (${ctx.processes.running().join(', ')}); stop one first.`);
  }
  const shell = ctx.env.shell?.(ctx.sandbox) ?? commandShell(ctx.sandbox);
  let server: { port: number; url: string } | undefined;
  let wake = () => {};
  const offReady = ctx.sandbox.onServerReady((e) => {
    server = e;
    wake();
  });
  const proc = await ctx.sandbox.spawn(shell.command, [...shell.args, args.command], { network: ctx.env.network() });
  const entry = ctx.processes.add(args.command, proc);
  await Promise.race([
    new Promise<void>((r) => (wake = r)),
    proc.exit,
    new Promise((r) => setTimeout(r, PROCESS_LIMITS.startWaitMs)),
    new Promise((r) => ctx.signal.addEventListener('abort', r, { once: true })),
  ]);
  offReady();
  const status = entry.exit ? `exited: ${describeExit(entry.exit)}` : server ? `running; serving port ${server.port} at ${server.url}` : 'running';
  const output = tailLines(entry.output, 40);
  return {
    ok: !entry.exit || entry.exit.code === 0,
    output: `Started ${entry.id}: ${args.command}\nStatus: ${status}\n${output || '(no output yet)'}`,
    detail: { kind: 'command', command: args.command, exitCode: entry.exit?.code ?? null, output, ms: 0 },
  };
}

export async function readProcessOutput(ctx: ToolContext, args: ToolArgs<'read_process_output'>): Promise<ToolOutcome> {
  const entry = ctx.processes.get(args.processId);
  const status = entry.exit ? `exited: ${describeExit(entry.exit)}` : 'running';
  const output = tailLines(entry.output, args.tailLines ?? 200);
  const dropped = entry.dropped > 0 ? `(earlier output dropped: ${entry.dropped} characters)\n` : '';
  return { ok: true, output: `${entry.id}: ${entry.command}\nStatus: ${status}\n${dropped}${output || '(no output yet)'}` };
}

export async function stopProcess(ctx: ToolContext, args: ToolArgs<'stop_process'>): Promise<ToolOutcome> {
  const exit = await ctx.processes.stop(args.processId);
  return { ok: true, output: `Stopped ${args.processId}: ${describeExit(exit)}.` };
}
