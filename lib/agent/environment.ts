import type { ToolArgs } from '@/lib/agent/protocol';
import type { ApprovalPolicy } from '@/lib/agent/policy';
import type { NetworkPolicy, Sandbox } from '@/lib/sandbox/types';
import type { ActStep, ActStepResult, Viewport } from '@/lib/design/protocol';
import type { Problem } from '@/lib/stores/preview';

// What the agent's tools need from the page, injected so the runner and tools can be tested
// against a real sandbox without the workbench. The workbench builds one per project page.

/**
 * The agent's file writes, through the same path a user's edit takes (files store → sync → DB and
 * sandbox), so history, share links and memory see them. Each call resolves once the sandbox's
 * working copy holds the change, because the next tool call (a command) may read it at once.
 */
export interface AgentFileWriter {
  write(path: string, text: string): Promise<void>;
  remove(path: string, options: { recursive: boolean }): Promise<void>;
  move(from: string, to: string): Promise<void>;
}

export interface PreviewSnapshot {
  /** Dev servers: port → preview URL. */
  servers: Record<number, string>;
  /** The port the preview pane shows. */
  port: number | null;
  problems: readonly Problem[];
}

export interface AgentEnvironment {
  /** The booted sandbox (the workbench's shared promise). Reads and commands go here. */
  sandbox(): Promise<Sandbox>;
  files: AgentFileWriter;
  /** The project's network policy, applied to every command the agent runs. */
  network(): NetworkPolicy;
  /** The project's approval policy: from settings / the UI only, never from model or tool output. */
  approval(): ApprovalPolicy;
  preview(): PreviewSnapshot;
  /** A screenshot of the shown preview at the viewport, as a PNG data URL (lib/design/capture-client.ts). */
  capturePreview?(viewport: Viewport): Promise<{ png: string; width: number; height: number }>;
  /** Acts out the steps on a fresh load of the shown preview (lib/design/act-script.ts). */
  actInPreview?(viewport: Viewport, steps: ActStep[]): Promise<{ results: ActStepResult[]; consoleErrors: string[]; failedRequests: string[] }>;
  /** The shell that runs a command string; default: bash (host) or jsh (WebContainer). */
  shell?(sandbox: Sandbox): { command: string; args: string[] };
}

/** One file's change within a turn: null means the file did not exist (before) or was deleted (after). */
export interface FileChange {
  path: string;
  before: string | null;
  after: string | null;
}

/** Collects a turn's changes: the first `before` and the last `after` of each path. */
export class ChangeSet {
  readonly #changes = new Map<string, FileChange>();

  record(path: string, before: string | null, after: string | null): void {
    const known = this.#changes.get(path);
    this.#changes.set(path, { path, before: known ? known.before : before, after });
  }

  /** Changes that still differ from where the turn started. */
  list(): FileChange[] {
    return [...this.#changes.values()].filter((c) => c.before !== c.after);
  }
}

export type PlanItem = ToolArgs<'update_plan'>['items'][number];

/** Writes straight to the sandbox: for tests, and for pages with no files store (never the DB). */
export function sandboxFileWriter(sandbox: () => Promise<Sandbox>): AgentFileWriter {
  return {
    async write(path, text) {
      await (await sandbox()).fs.writeFile(path, text);
    },
    async remove(path, { recursive }) {
      await (await sandbox()).fs.rm(path, { recursive });
    },
    async move(from, to) {
      const box = await sandbox();
      const parent = to.includes('/') ? to.slice(0, to.lastIndexOf('/')) : '';
      if (parent) await box.fs.mkdir(parent, { recursive: true });
      await box.fs.rename(from, to);
    },
  };
}

export function commandShell(sandbox: Sandbox): { command: string; args: string[] } {
  return sandbox.kind === 'webcontainer' ? { command: 'jsh', args: ['-c'] } : { command: 'bash', args: ['--noprofile', '--norc', '-c'] };
}
