import 'server-only';
import type { PlanItem } from '@/db/schema';
import { AUTO_PREFIX } from '@/lib/agent/history';
import { countText } from '@/server/memory/count';
import type { MemoryMessage } from '@/server/memory/types';

// The task state: what must survive any number of compactions whatever the summary says. It is built
// from rows (the chat's plan, every stored message, the remembered decisions, the project's
// AGENTS.md), never from a summary, and rendered verbatim into every prompt after a compaction.

export interface TaskStateInput {
  plan: readonly PlanItem[];
  /** Texts recorded with the remember tool, oldest first. */
  decisions: readonly string[];
  /** The project's AGENTS.md (pinned notes), or null when there is none. */
  notes: string | null;
}

export interface TaskStateBudgets {
  /** The user's own messages, newest first, until this many tokens. */
  userMessages: number;
  decisions: number;
  notes: number;
  files: number;
}

export const DEFAULT_BUDGETS: TaskStateBudgets = { userMessages: 2_000, decisions: 1_500, notes: 2_000, files: 1_500 };

export interface TouchedFile {
  path: string;
  /** The last successful change: written, edited, deleted, or moved away / moved here. */
  action: 'written' | 'edited' | 'deleted' | 'moved away' | 'moved here';
}

const str = (v: unknown) => (typeof v === 'string' ? v : null);

/** Files changed by successful tool calls, each with its last action, in order of last change. */
export function filesTouched(messages: readonly MemoryMessage[]): TouchedFile[] {
  const ok = new Set<string>();
  for (const m of messages) if (m.content.kind === 'tool' && m.content.ok) ok.add(m.content.toolCallId);
  const files = new Map<string, TouchedFile['action']>();
  const touch = (path: string | null, action: TouchedFile['action']) => {
    if (!path) return;
    files.delete(path);
    files.set(path, action);
  };
  for (const m of messages) {
    if (m.content.kind !== 'assistant') continue;
    for (const call of m.content.toolCalls) {
      if (!call.args || !ok.has(call.id)) continue;
      const a = call.args;
      if (call.name === 'write_file') touch(str(a.path), 'written');
      else if (call.name === 'edit_file') touch(str(a.path), 'edited');
      else if (call.name === 'delete_path') touch(str(a.path), 'deleted');
      else if (call.name === 'move_path') {
        touch(str(a.from), 'moved away');
        touch(str(a.to), 'moved here');
      }
    }
  }
  return [...files].map(([path, action]) => ({ path, action }));
}

/** The user's own messages (not the automatic checks), newest first. */
export function userMessages(messages: readonly MemoryMessage[]): string[] {
  const out: string[] = [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const c = messages[i]!.content;
    if (c.kind === 'user' && !c.text.startsWith(AUTO_PREFIX)) out.push(c.text);
  }
  return out;
}

/** A text cut to about `budget` tokens (by characters, then checked), with a marker. */
export function clip(text: string, budget: number): string {
  if (countText(text) <= budget) return text;
  let chars = budget * 3;
  let cut = text.slice(0, chars);
  while (chars > 0 && countText(cut) > budget) cut = text.slice(0, (chars = Math.floor(chars * 0.8)));
  return `${cut}… [cut: ${text.length - cut.length} more characters]`;
}

/** Takes lines in order until the budget is spent; says how many did not fit. */
function takeLines(lines: readonly string[], budget: number, what: string): string[] {
  const out: string[] = [];
  let used = 0;
  for (const line of lines) {
    const n = countText(line) + 1;
    if (used + n > budget) break;
    out.push(line);
    used += n;
  }
  if (out.length < lines.length) out.push(`(${lines.length - out.length} more ${what} not shown)`);
  return out;
}

/** The task state as the data block shows it: plan, files touched, decisions, pinned notes. */
export function renderTaskState(state: TaskStateInput, files: readonly TouchedFile[], budgets: TaskStateBudgets = DEFAULT_BUDGETS): string {
  const plan = state.plan.length ? state.plan.map((p) => `- [${p.status}] ${p.title}`).join('\n') : '(no plan)';
  const fileLines = files.length ? takeLines(files.map((f) => `- ${f.path} (${f.action})`), budgets.files, 'files').join('\n') : '(none yet)';
  // Newest decisions first when the budget is short; shown oldest first.
  const decisions = state.decisions.length
    ? takeLines([...state.decisions].reverse().map((d) => `- ${d}`), budgets.decisions, 'older decisions').reverse().join('\n')
    : '(none)';
  const sections = [
    `## Plan (current statuses; "done" items are finished, do not redo them)\n${plan}`,
    `## Files changed in this chat\n${fileLines}`,
    `## Decisions recorded with remember\n${decisions}`,
  ];
  if (state.notes?.trim()) sections.push(`## Project notes (AGENTS.md)\n${clip(state.notes.trim(), budgets.notes)}`);
  return sections.join('\n\n');
}

/** The user's own messages, newest first, verbatim, until the budget (the newest one always, cut if needed). */
export function renderUserMessages(texts: readonly string[], budget: number = DEFAULT_BUDGETS.userMessages): string | null {
  if (!texts.length) return null;
  const parts: string[] = [];
  let used = 0;
  for (const [i, text] of texts.entries()) {
    const n = countText(text) + 4;
    if (used + n > budget) {
      if (i === 0) parts.push(`- ${clip(text, budget)}`);
      if (texts.length > parts.length) parts.push(`(${texts.length - parts.length} older messages not shown)`);
      break;
    }
    parts.push(`- ${text}`);
    used += n;
  }
  return `Everything above the recent turns was compacted. My messages in this chat so far, newest first, verbatim; they still apply:\n${parts.join('\n')}`;
}
