// The approval policy: decides, for each tool call the model makes, whether it runs now, waits for
// the user's click, or is refused. Pure functions of (the project's policy, the call) — the policy
// comes only from the project's settings or the UI, never from anything the model read or wrote.
//
// auto       everything runs, except dangerous commands, which always ask.
// ask        reads and file edits run; commands ask, except a short read-only allowlist.
// read-only  reads run; file edits are refused; commands are refused except the read-only allowlist.
//
// Commands are judged on their parsed form (lib/agent/shell-parse.ts, a real bash parser): what
// cannot be parsed asks (auto, ask) or is refused (read-only). `npm test` (and any package script) is
// NOT on the allowlist: it runs whatever package.json says, and the agent can edit package.json
// without asking, so allowing it would let "ask" be bypassed.

import { dangerOf } from '@/lib/agent/command-danger';
import type { ToolName } from '@/lib/agent/protocol';
import { isReadOnly } from '@/lib/agent/read-only-commands';
import { loadShellParser, type ShellParser } from '@/lib/agent/shell-parse';

export type ApprovalPolicy = 'auto' | 'ask' | 'read-only';

export type Decision =
  | { action: 'allow' }
  | { action: 'ask'; reason: string; dangerous: boolean }
  | { action: 'deny'; reason: string };

export type ToolClass = 'read' | 'write' | 'command' | 'control';

const TOOL_CLASS: Record<ToolName, ToolClass> = {
  list_files: 'read',
  read_file: 'read',
  search_files: 'read',
  preview_status: 'read',
  screenshot_preview: 'read',
  preview_act: 'read',
  read_process_output: 'read',
  update_plan: 'read',
  write_file: 'write',
  edit_file: 'write',
  delete_path: 'write',
  move_path: 'write',
  run_command: 'command',
  start_process: 'command',
  // Stopping something the agent started can only make things quieter.
  stop_process: 'control',
};

export function toolClass(name: string): ToolClass | null {
  return Object.hasOwn(TOOL_CLASS, name) ? TOOL_CLASS[name as ToolName] : null;
}

/**
 * The decision for one tool call. `command` is the shell command for run_command / start_process.
 * `parser` is for tests; by default the bash parser loads on the first command.
 */
export async function decide(policy: ApprovalPolicy, tool: string, command?: string, parser?: ShellParser): Promise<Decision> {
  const cls = toolClass(tool);
  if (!cls) return { action: 'deny', reason: `Unknown tool "${tool}".` };
  if (cls === 'read' || cls === 'control') return { action: 'allow' };
  if (cls === 'write') {
    return policy === 'read-only' ? { action: 'deny', reason: 'The project is in read-only mode: the agent may not change files.' } : { action: 'allow' };
  }
  const parse = parser ?? (await loadShellParser().catch(() => null));
  const script = parse?.(command ?? '') ?? null;
  if (!parse || !script) {
    const why = parse ? 'the command could not be parsed (or is too long)' : 'the command checker did not load';
    if (policy === 'read-only') return { action: 'deny', reason: `The project is in read-only mode, and ${why}.` };
    return { action: 'ask', reason: `This command waits for your approval: ${why}.`, dangerous: false };
  }
  const danger = dangerOf(script, { parse, depth: 0 });
  if (danger) {
    if (policy === 'read-only') return { action: 'deny', reason: `The project is in read-only mode, and this command is dangerous: ${danger}.` };
    return { action: 'ask', reason: `Dangerous command: ${danger}.`, dangerous: true };
  }
  if (isReadOnly(script)) return { action: 'allow' };
  if (policy === 'auto') return { action: 'allow' };
  if (policy === 'ask') return { action: 'ask', reason: 'Commands wait for your approval in "ask" mode.', dangerous: false };
  return { action: 'deny', reason: 'The project is in read-only mode: only read-only commands (ls, cat, grep, find …) may run.' };
}
