import 'server-only';
import type OpenAI from 'openai';
import { errorText } from '@/lib/errors';
import { chatMessages } from '@/server/model/conversation';
import { assemble, compactionPoint, memoryBlock, type AssembleInput, type AssembledPrompt } from '@/server/memory/assemble';
import { countMessage, countText } from '@/server/memory/count';
import { cleanSummary, handoffMessages, SUMMARY_MAX_TOKENS } from '@/server/memory/handoff';
import { DEFAULT_KEEP_TURNS, maskObservations, recentStart } from '@/server/memory/mask';
import { DEFAULT_BUDGETS, renderUserMessages, userMessages } from '@/server/memory/task-state';
import type { MemoryState } from '@/server/memory/types';
import { compactionLimit } from '@/server/memory/windows';

// Deciding and planning a compaction. Pure apart from the injected summarize() call: the caller
// loads the rows, calls compact(), sends outcome.prompt, and stores outcome.record (when there is
// one) with storeCompaction in one transaction. Every path ends with a prompt; none loops.
//   1. the prompt as it stands (tool outputs before the last K turns masked) fits → not_needed
//   2. summarize everything before the last K turns (previous note + those messages) → a new record
//      (a failure or an empty answer → failed: nothing to store, retried at the next turn)
//   3. still over: mask more (only the last turn keeps its outputs)
//   4. still over: drop the oldest turns after the compaction point, with a notice
//   5. still over: mask the last turn too

export type Summarize = (messages: OpenAI.ChatCompletionMessageParam[]) => Promise<string>;

export interface CompactInput extends AssembleInput {
  /** The model's context window (windows.ts). */
  window: number;
  threshold?: number;
  /** "Compact now": summarize even under the threshold. */
  force?: boolean;
}

/** What to store (db/queries/memory.ts storeCompaction). */
export interface NewMemoryRecord extends MemoryState {
  tokensBefore: number;
  tokensAfter: number;
}

export interface Fitted {
  prompt: AssembledPrompt;
  maskedMore: boolean;
  /** Turns left out of the prompt without being summarized. */
  dropped: number;
  /** The memory state the prompt was assembled with (the point moves when turns are dropped). */
  memory: MemoryState | null;
}

export type CompactOutcome =
  | ({ status: 'not_needed' } & Fitted)
  | ({ status: 'compacted'; record: NewMemoryRecord } & Fitted)
  /** The summary call failed: nothing changes in storage; the prompt still fits (masked/dropped for this call only). */
  | ({ status: 'failed'; error: string } & Fitted);

export function needsCompaction(tokens: number, window: number, threshold?: number): boolean {
  return tokens > compactionLimit(window, threshold);
}

export function dropNotice(turns: number): string {
  return `${turns} turn${turns === 1 ? '' : 's'} after the previous handoff note ${turns === 1 ? 'was' : 'were'} dropped without a summary to fit the context window. Their tool outputs are gone; the plan, changed files and decisions below still include them.`;
}

/** Steps 3–5 for a given memory state (stored or, after a failed summary, for this call only). */
export function fit(input: CompactInput, memory: MemoryState | null): Fitted {
  const limit = compactionLimit(input.window, input.threshold);
  const first = assemble({ ...input, memory });
  if (first.tokens <= limit) return { prompt: first, maskedMore: false, dropped: 0, memory };
  const masked = assemble({ ...input, memory, keepTurns: 1 });
  if (masked.tokens <= limit) return { prompt: masked, maskedMore: true, dropped: 0, memory };

  // Drop whole turns from the oldest: per-message counts once, then the first start that fits.
  const { messages } = input;
  const point = compactionPoint(messages, memory);
  const tail = maskObservations(messages.slice(point), 1);
  const tailTokens = chatMessages(tail.map((m) => m.content)).slice(1).map(countMessage);
  const starts = tail.flatMap((m, i) => (i > 0 && m.content.kind !== 'tool' ? [i] : []));
  const base: MemoryState = memory ?? { version: 0, summary: '(none yet: the summary call failed and will be retried)', throughMessageId: '', notice: null };
  const budgets = input.budgets ?? DEFAULT_BUDGETS;
  const headBase =
    countText(masked.messages[0]!.content as string) +
    countText(memoryBlock({ ...base, notice: null }, input.state, messages, budgets)) +
    countText(renderUserMessages(userMessages(messages), budgets.userMessages) ?? '') +
    (input.toolsTokens ?? 0) +
    16; // overheads of the head messages, the notice heading, token merges at joins
  let suffix = tailTokens.reduce((a, b) => a + b, 0);
  let chosen = starts.length ? starts[starts.length - 1]! : 0;
  let from = 0;
  for (const [k, start] of starts.entries()) {
    for (; from < start; from++) suffix -= tailTokens[from]!;
    if (headBase + countText(dropNotice(k + 1)) + suffix <= limit) {
      chosen = start;
      break;
    }
  }
  if (chosen === 0) return { prompt: masked, maskedMore: true, dropped: 0, memory };
  const turns = tail.slice(0, chosen).filter((m) => m.content.kind !== 'tool').length;
  const dropped: MemoryState = { ...base, throughMessageId: tail[chosen - 1]!.id, notice: [memory?.notice, dropNotice(turns)].filter(Boolean).join('\n') };
  const prompt = assemble({ ...input, memory: dropped, keepTurns: 1 });
  if (prompt.tokens <= limit) return { prompt, maskedMore: true, dropped: turns, memory: dropped };
  return { prompt: assemble({ ...input, memory: dropped, keepTurns: 0 }), maskedMore: true, dropped: turns, memory: dropped };
}

export async function compact(input: CompactInput, summarize: Summarize): Promise<CompactOutcome> {
  const keepTurns = input.keepTurns ?? DEFAULT_KEEP_TURNS;
  const current = assemble(input);
  const limit = compactionLimit(input.window, input.threshold);
  if (!input.force && current.tokens <= limit) return { status: 'not_needed', prompt: current, maskedMore: false, dropped: 0, memory: input.memory };

  const { messages, memory } = input;
  const point = compactionPoint(messages, memory);
  const cut = Math.max(point, recentStart(messages, keepTurns));
  if (cut <= point) return { status: 'not_needed', ...fit(input, memory) };

  let summary: string;
  try {
    // The summary call gets at most the compaction limit, less room for its answer.
    const budget = Math.max(1_000, limit - SUMMARY_MAX_TOKENS - 1_000);
    summary = cleanSummary(await summarize(handoffMessages(messages.slice(point, cut), memory?.summary ?? null, budget)));
  } catch (error) {
    return { status: 'failed', error: errorText(error), ...fit(input, memory) };
  }
  const next: MemoryState = { version: (memory?.version ?? 0) + 1, summary, throughMessageId: messages[cut - 1]!.id, notice: null };
  const fitted = fit(input, next);
  const stored = fitted.memory ?? next;
  return { status: 'compacted', record: { ...stored, tokensBefore: current.tokens, tokensAfter: fitted.prompt.tokens }, ...fitted };
}
