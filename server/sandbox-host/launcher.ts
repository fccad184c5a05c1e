import 'server-only';
import split2 from 'split2';
import { z } from 'zod';
import { bwrapArgs, baseEnv, privilegeAndLimitArgs, type SandboxDirs } from '@/server/sandbox-host/bwrap';
import type { SandboxHostConfig } from '@/server/sandbox-host/config';
import { installHelper } from '@/server/sandbox-host/fs-helper';
import type { NetHolder } from '@/server/sandbox-host/holder';
import type { ProcessBackend, ProcessEvents } from '@/server/sandbox-host/process';
import { spawnSandboxed, type SpawnedProcess } from '@/server/sandbox-host/spawner';
import { tool } from '@/server/sandbox-host/tools';

// One long-lived process inside a workspace's sandbox for one network policy (sandbox-run.mjs, in the
// policy's network namespace, as the project's uid, under the commands' prlimit values) that starts the
// workspace's commands: the bwrap, setpriv, prlimit and namespace setup is paid once per policy instead
// of once per command. Its messages come from inside the sandbox, so they are parsed, not trusted: a line
// is capped while it is read and every message is checked against its schema.

const INSIDE = '/opt/ide/sandbox-run.mjs';
/** A line from the runner: an output chunk (a pipe read of at most 64 KiB, JSON-escaped) or an exit. */
const MAX_LINE = 1024 * 1024;

const messageSchema = z.union([
  z.object({ type: z.literal('ready') }),
  z.object({ id: z.string().max(64), type: z.literal('out'), data: z.string() }),
  z.object({ id: z.string().max(64), type: z.literal('exit'), code: z.number().int().nullable(), signal: z.string().max(32).nullable() }),
]);

export class Launcher {
  readonly holder: NetHolder;
  #child: SpawnedProcess;
  #running = new Map<string, ProcessEvents>();
  #stopped = false;

  constructor(options: { dirs: SandboxDirs; uid: number; config: SandboxHostConfig; holder: NetHolder }) {
    const { dirs, uid, config, holder } = options;
    this.holder = holder;
    const { cpuSeconds } = config.limits;
    const argv = [
      tool('nsenter'),
      `--net=${holder.netnsPath}`,
      '--',
      // The commands' limits, but for the CPU time: the runner lives on, each command gets its own.
      ...privilegeAndLimitArgs(uid, config.limits, { cpuSeconds: 365 * 24 * 3600 }),
      tool('bwrap'),
      ...bwrapArgs(
        {
          dirs,
          unshareNet: false,
          newSession: true,
          cwd: '/workspace',
          env: baseEnv({ terminal: false, npmRegistry: config.npmRegistry }),
          tmpBytes: config.limits.tmpBytes,
          binds: [[installHelper(config.helpers, 'sandbox-run'), INSIDE, 'ro']],
        },
        ['node', INSIDE, String(cpuSeconds), String(cpuSeconds + 5)],
      ),
    ];
    const child = spawnSandboxed(argv[0]!, argv.slice(1), ['pipe', 'pipe', 'pipe']);
    this.#child = child;
    child.stdin?.on('error', () => {});
    child.stderr?.on('data', () => {}); // drained; a runner's own errors end it, and its commands say so
    const lines = child.stdout!.pipe(split2({ maxLength: MAX_LINE }));
    lines.on('data', (line: string) => this.#receive(line));
    // An over-long line (not something the runner writes) stops the runner and with it its commands.
    lines.on('error', () => this.stop());
    child.on('exit', () => this.#ended());
    child.on('error', () => this.#ended());
  }

  get alive(): boolean {
    return !this.#stopped && this.holder.alive;
  }

  /** Starts a command; its output and exit arrive through `events`. */
  run(id: string, spec: { command: string; args: string[]; cwd: string; env: Record<string, string> }, events: ProcessEvents): ProcessBackend {
    if (this.#stopped) {
      queueMicrotask(() => events.onExit(127, null, "The sandbox's command runner stopped."));
    } else {
      this.#running.set(id, events);
      this.#send({ op: 'start', id, ...spec });
    }
    return {
      write: (data) => this.#send({ op: 'stdin', id, data }),
      end: () => this.#send({ op: 'end', id }),
      kill: () => this.#send({ op: 'kill', id }),
      pause: () => this.#send({ op: 'pause', id }),
      resume: () => this.#send({ op: 'resume', id }),
    };
  }

  #send(message: Record<string, unknown>): void {
    if (!this.#stopped) this.#child.stdin?.write(`${JSON.stringify(message)}\n`);
  }

  #receive(line: string): void {
    let message: z.infer<typeof messageSchema>;
    try {
      message = messageSchema.parse(JSON.parse(line));
    } catch {
      return; // not a message of ours: ignored
    }
    if (message.type === 'ready') return;
    const events = this.#running.get(message.id);
    if (!events) return;
    if (message.type === 'out') events.onOutput(message.data);
    else {
      this.#running.delete(message.id);
      events.onExit(message.code ?? 128, message.signal);
    }
  }

  #ended(): void {
    this.#stopped = true;
    // Its pid namespace went with it, so every command it started has ended too.
    for (const events of this.#running.values()) events.onExit(137, 'SIGKILL', "The sandbox's command runner stopped.");
    this.#running.clear();
  }

  /** Ends the runner and every command it started (they share its pid namespace). */
  stop(): void {
    if (this.#child.exitCode === null) this.#child.kill('SIGKILL');
    this.#ended();
  }
}
