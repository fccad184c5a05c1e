import 'server-only';
import type { SandboxHostConfig } from '@/server/sandbox-host/config';
import { Workspace } from '@/server/sandbox-host/workspace';

// One workspace per project, shared by every socket of that project. A workspace nobody is connected
// to is torn down after the idle time (every process ends; the files stay on disk for next time).

export class SandboxManager {
  readonly config: SandboxHostConfig;
  readonly #workspaces = new Map<string, Workspace>();
  readonly #attached = new Map<string, number>();
  readonly #idleTimers = new Map<string, NodeJS.Timeout>();
  readonly #seeded = new Map<string, Promise<unknown>>();

  constructor(config: SandboxHostConfig) {
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

  /** A socket joined: no idle teardown while any socket is attached. Returns the release. */
  attach(projectId: string): () => void {
    const workspace = this.get(projectId);
    clearTimeout(this.#idleTimers.get(projectId));
    this.#idleTimers.delete(projectId);
    this.#attached.set(projectId, (this.#attached.get(projectId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#attached.get(projectId) ?? 1) - 1;
      this.#attached.set(projectId, left);
      if (left > 0) return;
      this.#attached.delete(projectId);
      this.#idleTimers.set(
        projectId,
        setTimeout(() => {
          this.#idleTimers.delete(projectId);
          if (this.#workspaces.get(projectId) === workspace && !this.#attached.has(projectId)) void this.release(projectId);
        }, this.config.idleMs),
      );
    };
  }

  async release(projectId: string): Promise<void> {
    const workspace = this.#workspaces.get(projectId);
    this.#workspaces.delete(projectId);
    this.#seeded.delete(projectId);
    await workspace?.dispose();
  }

  async dispose(): Promise<void> {
    for (const timer of this.#idleTimers.values()) clearTimeout(timer);
    this.#idleTimers.clear();
    await Promise.all([...this.#workspaces.keys()].map((id) => this.release(id)));
  }
}
