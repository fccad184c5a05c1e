import 'server-only';
import { AppError } from '@/lib/errors';
import { longestSocketPath, MAX_SOCKET_PATH } from '@/server/sandbox-host/bwrap';
import type { SandboxHostConfig } from '@/server/sandbox-host/config';
import { Workspace } from '@/server/sandbox-host/workspace';

// One workspace per project, shared by every socket of that project. A workspace nobody is connected
// to is torn down after the idle time (every process ends; the files stay on disk for next time).
// A user may have `livePerUser` workspaces running: starting one more ends their longest-idle one,
// or is refused when all of theirs have a tab open.

export class SandboxManager {
  readonly config: SandboxHostConfig;
  readonly #workspaces = new Map<string, Workspace>();
  readonly #attached = new Map<string, number>();
  readonly #idleTimers = new Map<string, NodeJS.Timeout>();
  readonly #seeded = new Map<string, Promise<unknown>>();
  /** projectId → the user who started its running workspace. */
  readonly #startedBy = new Map<string, string>();
  /** Idle workspaces (no socket attached), longest-idle first (a Set keeps insertion order). */
  readonly #idle = new Set<string>();

  constructor(config: SandboxHostConfig) {
    const socket = longestSocketPath(config.runRoot);
    if (Buffer.byteLength(socket) > MAX_SOCKET_PATH) {
      throw new Error(`The sandbox socket folder ${config.runRoot} is too long: a socket path there (${socket}) would exceed ${MAX_SOCKET_PATH} bytes.`);
    }
    this.config = config;
  }

  /** The project's workspace, created on first use. */
  get(projectId: string): Workspace {
    let workspace = this.#workspaces.get(projectId);
    if (!workspace || workspace.disposed) {
      workspace = new Workspace(projectId, this.config);
      this.#workspaces.set(projectId, workspace);
      const seeding = workspace.seedNpmCache().catch((error: unknown) => {
        console.error(`sandbox ${projectId}: seeding the npm cache failed:`, error instanceof Error ? error.message : error);
      });
      this.#seeded.set(projectId, seeding);
    }
    return workspace;
  }

  /** Resolves when the workspace's npm cache copy is done (installs wait for it). */
  ready(projectId: string): Promise<unknown> {
    return this.#seeded.get(projectId) ?? Promise.resolve();
  }

  /** A running workspace, without creating one (the preview proxy uses this). */
  peek(projectId: string): Workspace | undefined {
    const workspace = this.#workspaces.get(projectId);
    return workspace && !workspace.disposed ? workspace : undefined;
  }

  /**
   * A socket joined: no idle teardown while any socket is attached. Returns the release. With a user,
   * a workspace it starts counts against that user's cap (AppError rate_limit:sandbox when full).
   */
  async attach(projectId: string, userId?: string): Promise<() => void> {
    if (userId && !this.peek(projectId) && !this.#startedBy.has(projectId)) {
      // Counted and reserved before any await, so concurrent starts cannot both take the last place.
      const evicted = this.#makeRoomFor(userId);
      this.#startedBy.set(projectId, userId);
      await evicted;
    }
    const workspace = this.get(projectId);
    clearTimeout(this.#idleTimers.get(projectId));
    this.#idleTimers.delete(projectId);
    this.#idle.delete(projectId);
    this.#attached.set(projectId, (this.#attached.get(projectId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#attached.get(projectId) ?? 1) - 1;
      this.#attached.set(projectId, left);
      if (left > 0) return;
      this.#attached.delete(projectId);
      this.#idle.add(projectId);
      this.#idleTimers.set(
        projectId,
        setTimeout(() => {
          this.#idleTimers.delete(projectId);
          if (this.#workspaces.get(projectId) === workspace && !this.#attached.has(projectId)) void this.release(projectId);
        }, this.config.idleMs),
      );
    };
  }

  /** Ends the user's longest-idle workspaces to make room for one more (their state changes at once). */
  #makeRoomFor(userId: string): Promise<unknown> {
    const mine = [...this.#startedBy].filter(([, by]) => by === userId).map(([id]) => id);
    if (mine.length < this.config.livePerUser) return Promise.resolve();
    const idle = [...this.#idle].filter((id) => mine.includes(id));
    if (idle.length === 0) {
      throw new AppError(
        'rate_limit:sandbox',
        `You already have ${this.config.livePerUser} sandboxes running. Close another project's tabs first.`,
      );
    }
    return Promise.all(idle.slice(0, mine.length - this.config.livePerUser + 1).map((id) => this.release(id)));
  }

  async release(projectId: string): Promise<void> {
    const workspace = this.#workspaces.get(projectId);
    this.#workspaces.delete(projectId);
    this.#seeded.delete(projectId);
    this.#startedBy.delete(projectId);
    this.#idle.delete(projectId);
    clearTimeout(this.#idleTimers.get(projectId));
    this.#idleTimers.delete(projectId);
    await workspace?.dispose();
  }

  async dispose(): Promise<void> {
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    await Promise.all([...this.#workspaces.keys()].map((id) => this.release(id)));
  }
}
