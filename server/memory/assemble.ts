import 'server-only';
import type OpenAI from 'openai';
import type { StoredContent } from '@/lib/agent/protocol';
import { chatMessageGroups, SYSTEM_PROMPT, wrapUntrusted } from '@/server/model/conversation';
import { countMessage, countSystem, REPLY_OVERHEAD } from '@/server/memory/count';
import { DEFAULT_KEEP_TURNS, maskObservations } from '@/server/memory/mask';
import {
  DEFAULT_BUDGETS,
  clip,
  filesTouched,
  renderTaskState,
  renderUserMessages,
  userMessages,
  type TaskStateBudgets,
  type TaskStateInput,
} from '@/server/memory/task-state';
import type { MemoryMessage, MemoryState } from '@/server/memory/types';

// The prompt for the next model call (Chat Completions shape):
//   system prompt
//   [after a compaction] one data block (wrapUntrusted): the handoff note, then the task state
//   [after a compaction] the user's own messages, newest first, verbatim (they are the user's words)
//   [before any compaction, when the project has AGENTS.md] the notes as a data block
//   the turns after the compaction point, tool outputs older than the last K turns masked
// Nothing here reads the database: the caller passes the rows.

export interface AssembleInput {
  /** Every stored message of the chat, in order. */
  messages: readonly MemoryMessage[];
  memory: MemoryState | null;
  state: TaskStateInput;
  keepTurns?: number;
  /** Tokens of the tool definitions sent with the prompt (countTools). */
  toolsTokens?: number;
  budgets?: TaskStateBudgets;
}

export interface AssembledPrompt {
  /** For Chat Completions (what is counted). */
  messages: OpenAI.ChatCompletionMessageParam[];
  /** The same prompt in the stored format, for the Responses API: responsesInput(history). */
  history: StoredContent[];
  /** Prompt tokens including the tool definitions. */
  tokens: number;
  /** Index in the input of the first message shown as a turn. */
  recentFrom: number;
}

export const MEMORY_SOURCE = 'memory of this chat';
export const NOTES_SOURCE = 'project notes (AGENTS.md)';

/** Where the turns after the compaction point start (0 without a record or when its message is gone). */
export function compactionPoint(messages: readonly MemoryMessage[], memory: MemoryState | null): number {
  if (!memory) return 0;
  const at = messages.findIndex((m) => m.id === memory.throughMessageId);
  return at < 0 ? 0 : at + 1;
}

/** The data block after a compaction: the handoff note and the task state. */
export function memoryBlock(memory: MemoryState, state: TaskStateInput, messages: readonly MemoryMessage[], budgets: TaskStateBudgets): string {
  const parts = [
    `# Memory of this chat (compaction ${memory.version})`,
    `## Handoff note written by the model when older turns were compacted (may be incomplete; the sections after it are authoritative)\n${memory.summary}`,
  ];
  if (memory.notice) parts.push(`## Notice\n${memory.notice}`);
  parts.push(renderTaskState(state, filesTouched(messages), budgets));
  return wrapUntrusted(MEMORY_SOURCE, parts.join('\n\n'));
}

export function assemble(input: AssembleInput): AssembledPrompt {
  const budgets = input.budgets ?? DEFAULT_BUDGETS;
  const point = compactionPoint(input.messages, input.memory);
  const recent = maskObservations(input.messages.slice(point), input.keepTurns ?? DEFAULT_KEEP_TURNS);
  const head: StoredContent[] = [];
  if (input.memory && point > 0) {
    head.push({ kind: 'user', text: memoryBlock(input.memory, input.state, input.messages, budgets) });
    const mine = renderUserMessages(userMessages(input.messages), budgets.userMessages);
    if (mine) head.push({ kind: 'user', text: mine });
  } else if (input.state.notes?.trim()) {
    head.push({ kind: 'user', text: wrapUntrusted(NOTES_SOURCE, clip(input.state.notes.trim(), budgets.notes)) });
  }
  const history = [...head, ...recent.map((m) => m.content)];
  const groups = chatMessageGroups(history);
  // What countMessages(messages) gives, with a stored message's own count taken from its row (countStored)
  // when masking left it as stored; head blocks, masked messages and a run's images are counted here.
  let tokens = REPLY_OVERHEAD + countSystem();
  for (const [i, group] of groups.entries()) {
    const m = i < head.length ? undefined : recent[i - head.length]!;
    const unchanged = m !== undefined && m === input.messages[point + i - head.length];
    tokens += unchanged && m.tokens != null ? m.tokens : countMessage(group[0]!);
    for (const extra of group.slice(1)) tokens += countMessage(extra);
  }
  const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'system', content: SYSTEM_PROMPT }, ...groups.flat()];
  return { messages, history, tokens: tokens + (input.toolsTokens ?? 0), recentFrom: point };
}
