import 'server-only';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import { isViewSandboxId } from '@/server/share/sandbox-id';
import type { FsEvent, NetworkPolicy, SpawnOptions } from '@/lib/sandbox/types';
import { baseEnv, bwrapArgs, prepareSandboxDirs, privilegeAndLimitArgs, sandboxDirs, type SandboxDirs } from '@/server/sandbox-host/bwrap';
import { assertProjectId, uidFor, type SandboxHostConfig } from '@/server/sandbox-host/config';
import { FsHelper } from '@/server/sandbox-host/fs-helper';
import { NetHolder } from '@/server/sandbox-host/holder';
import { resolveCwd, terminalWrapper } from '@/server/sandbox-host/command-line';
import { Launcher } from '@/server/sandbox-host/launcher';
import { linkNpmCache } from '@/server/sandbox-host/npm-cache';
import { logSeedError, readerFor, seedDependencies, type SeedResult } from '@/server/sandbox-host/deps-cache';
import { PortWatch, type WorkspaceEvents } from '@/server/sandbox-host/ports';
import { HostProcess } from '@/server/sandbox-host/process';
import { killLeftovers, tool } from '@/server/sandbox-host/tools';

// One project's host sandbox: its folders, its file helper, its network namespaces (one per policy in use),
// its processes and its dev servers (ports.ts). Shared by every socket of the project; torn down when the manager says.

/** Commands (terminals included) one workspace may run at once; each holds pipes or a PTY in the server. */
const MAX_PROCESSES = 48;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms).unref());

export class Workspace {
  readonly projectId: string;
  readonly dirs: SandboxDirs;
  readonly uid: number;
  readonly processes = new Map<string, HostProcess>();
  readonly #config: SandboxHostConfig;
  readonly #helper: FsHelper;
  readonly #holders = new Map<NetworkPolicy, Promise<NetHolder>>();
  readonly #resolved = new Map<NetworkPolicy, NetHolder>();
  readonly #launchers = new Map<NetworkPolicy, Launcher>();
  readonly #watchers = new Set<{ prefix: string; listener: (events: FsEvent[]) => void }>();
  readonly #portWatch: PortWatch;
  #diskTimer?: NodeJS.Timeout;
  #checkingDisk = false;
  /** A seeding of node_modules in progress: commands wait for it. */
  #seeding?: Promise<unknown>;
  #disposed = false;

  constructor(projectId: string, config: SandboxHostConfig) {
    assertProjectId(projectId);
    this.projectId = projectId;
    this.#config = config;
    this.dirs = sandboxDirs(config, projectId);
    this.uid = uidFor(projectId, config);
    prepareSandboxDirs(config, this.dirs, this.uid);
    this.#portWatch = new PortWatch({ holders: () => this.#resolved.values(), busy: () => this.processes.size > 0, name: projectId });
    this.#helper = new FsHelper({ dirs: this.dirs, uid: this.uid, config, onEvents: (events) => this.#dispatch(events) });
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Gives this sandbox the pre-warmed npm cache: linked when it has none, else what is new copied (no-op when up to date). */
  async seedNpmCache(): Promise<boolean> {
    if (!fs.existsSync(path.join(this.#config.npmCache, '.stamp'))) return false;
    if (await linkNpmCache(this.#config.npmCache, this.dirs, this.uid)) return true;
    return (await this.#helper.request<{ seeded: boolean }>('seedCache')).seeded;
  }

  fsRequest<T>(op: string, fields: Record<string, unknown>): Promise<T> {
    this.#assertOpen();
    const done = this.#helper.request<T>(op, fields);
    // A mount is how a project's files arrive: a workspace still without node_modules may get the cached ones.
    return op === 'mount' ? done.then(async (result) => (await this.seedDependencies().catch(logSeedError(this.projectId)), result)) : done;
  }

  /** node_modules from the installed-dependencies cache when there are none and the manifest matches (deps-cache.ts). */
  seedDependencies(): Promise<SeedResult> {
    const seeding = seedDependencies({ depsCache: this.#config.depsCache, dirs: this.dirs, uid: this.uid, read: readerFor(this.#helper) });
    this.#seeding = seeding.catch(() => undefined);
    return seeding;
  }

  watch(pathPrefix: string, listener: (events: FsEvent[]) => void): () => void {
    this.#assertOpen();
    const prefix = pathPrefix.replace(/^\.?\/*|\/+$/g, '');
    const entry = { prefix, listener };
    this.#watchers.add(entry);
    void this.#helper.watch().catch(() => {});
    return () => this.#watchers.delete(entry);
  }

  #dispatch(events: FsEvent[]): void {
    for (const { prefix, listener } of this.#watchers) {
      const mine = prefix ? events.filter((e) => e.path === prefix || e.path.startsWith(`${prefix}/`)) : events;
      if (mine.length > 0) listener(mine);
    }
  }

  async spawn(command: string, args: string[], options: SpawnOptions = {}): Promise<HostProcess> {
    this.#assertOpen();
    await this.#seeding;
    if (this.processes.size >= MAX_PROCESSES) {
      throw new AppError('rate_limit:sandbox', `This sandbox already runs ${MAX_PROCESSES} commands; stop some first.`);
    }
    const policy = options.network ?? 'allowlist';
    const holder = await this.#holder(policy);
    const terminal = options.terminal;
    const cwd = resolveCwd(options.cwd);
    const env = {
      ...baseEnv({ terminal: Boolean(terminal), npmRegistry: this.#config.npmRegistry, proxyPort: holder.proxyPort }),
      ...(options.env ?? {}),
    };
    const id = randomUUID();
    // Commands start from the policy's long-lived runner (launcher.ts); a terminal gets a sandbox of its
    // own, whose pty (a `script` inside) its shell's job control needs.
    const launcher = terminal ? undefined : this.#launcher(holder);
    const argv = terminal
      ? [
          tool('nsenter'),
          `--net=${holder.netnsPath}`,
          '--',
          ...privilegeAndLimitArgs(this.uid, this.#config.limits),
          tool('bwrap'),
          ...bwrapArgs({ dirs: this.dirs, unshareNet: false, newSession: false, cwd, env, tmpBytes: this.#config.limits.tmpBytes }, terminalWrapper(command, args)),
        ]
      : undefined;
    const proc = new HostProcess({
      id,
      argv,
      start: launcher && ((events) => launcher.run(id, { command, args, cwd, env }, events)),
      terminal,
      timeoutMs: terminal ? options.timeoutMs : (options.timeoutMs ?? this.#config.limits.timeoutMs),
      limits: this.#config.limits,
      outputBytes: this.#config.limits.outputBytes,
    });
    this.processes.set(id, proc);
    void proc.exit.then(() => {
      this.processes.delete(id);
      // A process's last moments may have opened or closed a port: look once more.
      this.#portWatch.poll();
    });
    this.#portWatch.start();
    this.#diskTimer ??= setInterval(() => void this.checkDisk(), this.#config.diskCheckMs);
    return proc;
  }

  /**
   * Measures the workspace and home (the helper walks them inside the sandbox: no quota works on every
   * file system) and ends every process when they are over the limit. Runs while processes run: only
   * they can grow a workspace past the project's own size cap. Returns the bytes measured.
   */
  async checkDisk(): Promise<number | undefined> {
    if (this.processes.size === 0 || this.#disposed) {
      clearInterval(this.#diskTimer);
      this.#diskTimer = undefined;
    }
    if (this.#checkingDisk || this.#disposed) return undefined;
    this.#checkingDisk = true;
    try {
      const { bytes } = await this.#helper.request<{ bytes: number }>('diskUsage');
      const limit = this.#config.limits.diskBytes;
      if (bytes > limit) {
        const mb = (n: number) => Math.round(n / 1024 ** 2);
        const message = `Stopped: the workspace takes ${mb(bytes)} MB on disk, over its limit of ${mb(limit)} MB. Delete files (node_modules, build output) to go on.`;
        for (const proc of this.processes.values()) proc.kill('disk', message);
      }
      return bytes;
    } catch {
      return undefined; // the helper restarts on the next request
    } finally {
      this.#checkingDisk = false;
    }
  }

  /** The runner for the holder's policy, started with the first command (again if it or its holder ended). */
  #launcher(holder: NetHolder): Launcher {
    const current = this.#launchers.get(holder.policy);
    if (current?.alive && current.holder === holder) return current;
    current?.stop();
    const launcher = new Launcher({ dirs: this.dirs, uid: this.uid, config: this.#config, holder });
    this.#launchers.set(holder.policy, launcher);
    return launcher;
  }

  #holder(policy: NetworkPolicy): Promise<NetHolder> {
    const existing = this.#holders.get(policy);
    if (existing) {
      return existing.then((holder) => {
        if (holder.alive) return holder;
        this.#holders.delete(policy);
        this.#resolved.delete(policy);
        return this.#holder(policy);
      });
    }
    const started = NetHolder.start({ projectId: this.projectId, policy, dirs: this.dirs, uid: this.uid, config: this.#config });
    this.#holders.set(policy, started);
    started.then(
      (holder) => this.#resolved.set(policy, holder),
      () => this.#holders.delete(policy),
    );
    return started;
  }

  // ---- dev servers
  onPorts(listener: WorkspaceEvents): () => void {
    return this.#portWatch.on(listener);
  }

  get ports(): number[] {
    return this.#portWatch.ports;
  }

  /** A host unix socket that reaches the dev server on this port, or undefined when nothing listens there. */
  async previewSocket(port: number): Promise<string | undefined> {
    const holder = this.#portWatch.holderOf(port);
    if (!holder?.alive) return undefined;
    return holder.forwarder(port, this.dirs, this.uid);
  }

  /** Ends every process, closes the namespaces and the file helper. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#portWatch.close();
    clearInterval(this.#diskTimer);
    const exits = [...this.processes.values()].map((p) => {
      p.kill('teardown', 'The sandbox was shut down.');
      return p.exit;
    });
    // Bounded: teardown must finish even if a process or a namespace does not report back. A sandbox that
    // missed its bwrap's death (see killLeftovers) keeps the pipes open: end it, then wait again.
    const exited = Promise.allSettled(exits).then(() => true);
    if (!(await Promise.race([exited, sleep(1000).then(() => false)]))) {
      killLeftovers(this.uid, this.dirs.workspace);
      await Promise.race([exited, sleep(4000)]);
    }
    for (const launcher of this.#launchers.values()) launcher.stop();
    const holders = await Promise.race([Promise.allSettled([...this.#holders.values()]), sleep(5000).then(() => [])]);
    await Promise.race([Promise.all(holders.map((h) => (h.status === 'fulfilled' ? h.value.close() : undefined))), sleep(5000)]);
    this.#helper.dispose();
    killLeftovers(this.uid, this.dirs.workspace);
    // Its sockets are dead now; the files (workspace, home) stay for next time, except a share-link
    // holder's throwaway copy, which nobody opens again (its disk would pile up with every visitor).
    fs.rmSync(this.dirs.run, { recursive: true, force: true });
    if (isViewSandboxId(this.projectId)) fs.rmSync(this.dirs.base, { recursive: true, force: true });
  }

  #assertOpen(): void {
    if (this.#disposed) throw new AppError('unavailable:sandbox', 'The sandbox was shut down.');
  }
}
