import type { AgentEnvironment, ChangeSet, PlanItem } from '@/lib/agent/environment';
import type { ProcessRegistry } from '@/lib/agent/tools/processes';
import { AppError } from '@/lib/errors';
import { normalizeProjectPath } from '@/lib/files/path';
import type { Sandbox } from '@/lib/sandbox/types';

export interface ToolContext {
  env: AgentEnvironment;
  sandbox: Sandbox;
  /** Aborted by Stop: a running command is killed. */
  signal: AbortSignal;
  changes: ChangeSet;
  processes: ProcessRegistry;
  setPlan(items: PlanItem[]): void;
}

/** What the card shows, beside the text the model reads. */
export type ToolDetail =
  | { kind: 'command'; command: string; exitCode: number | null; reason?: string; output: string; ms: number }
  | { kind: 'file'; path: string; before: string | null; after: string | null }
  | { kind: 'plan'; items: PlanItem[] }
  /** preview_act: each step with its outcome, and what the page reported. */
  | { kind: 'check'; steps: { label: string; ok: boolean; detail: string }[]; consoleErrors: string[]; failedRequests: string[] };

export interface ToolOutcome {
  ok: boolean;
  /** What the model reads. */
  output: string;
  /** Images for the model (data URLs), e.g. a screenshot of the preview. */
  images?: string[];
  detail?: ToolDetail;
}

/** A tool failed in a way the model should read and correct (bad path, no match …). */
export class ToolError extends Error {}

/** Folders of rebuilt, not authored, content: never listed or searched. */
export const SKIPPED_DIRS = new Set(['node_modules', '.git', '.next', 'dist', 'build', 'coverage', '.cache', '.turbo', '.vite', '.svelte-kit']);

/** A model-supplied path, checked like any other door into the project. */
export function projectPath(input: string): string {
  try {
    return normalizeProjectPath(input);
  } catch (error) {
    throw new ToolError(error instanceof AppError ? error.message : `Invalid path "${input}".`);
  }
}

/** A path the agent may write: also never under .git/ (hooks and config would run code on read-only git commands). */
export function writablePath(input: string): string {
  const path = projectPath(input);
  if (path.split('/').includes('.git')) throw new ToolError(`The agent may not write inside .git/ ("${path}").`);
  return path;
}

/** A folder to list or search: '' / '.' / '/' mean the workspace root. */
export function folderPath(input: string | undefined): string {
  const trimmed = (input ?? '').trim();
  if (trimmed === '' || trimmed === '.' || trimmed === './' || trimmed === '/') return '.';
  return projectPath(trimmed);
}
