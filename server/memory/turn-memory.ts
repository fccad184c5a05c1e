import 'server-only';
import type OpenAI from 'openai';
import type { Db } from '@/db/client';
import { storeCompaction, type ChatMemory } from '@/db/queries/memory';
import type { PlanItem } from '@/db/schema';
import type { TurnEvent } from '@/lib/agent/protocol';
import { env } from '@/lib/env';
import { chatTools } from '@/server/model/conversation';
import { assemble, type AssembledPrompt } from '@/server/memory/assemble';
import { compact, type Summarize } from '@/server/memory/compact';
import { countMessages, countText, countTools } from '@/server/memory/count';
import type { MemoryMessage } from '@/server/memory/types';
import { contextWindow } from '@/server/memory/windows';

// The memory step of a turn (chat.send, chat.compact, bench:memory): from the chat's rows and its
// memory state, the prompt for the next model call; when it would pass the threshold, a compaction
// (summary call, then the record stored in one transaction). Never fails the turn for memory's sake:
// a failed summary call still gives a prompt that fits (masked more / oldest turns left out).

export interface MemorySettings {
  /** The context window of a model id (windows.ts, with MODEL_CONTEXT_WINDOWS). */
  window: (model: string) => number;
  /** Share of the window at which to compact (COMPACT_THRESHOLD). */
  threshold: number;
}

export function memorySettingsFromEnv(): MemorySettings {
  return { window: (model) => contextWindow(model, env.MODEL_CONTEXT_WINDOWS), threshold: env.COMPACT_THRESHOLD };
}

/** Tokens of the tool definitions sent with every prompt (the same for every call). */
let toolsTokens: number | undefined;
export const promptToolsTokens = () => (toolsTokens ??= countTools(chatTools()));

export type CompactionEvent = Extract<TurnEvent, { type: 'compacted' }>;

export interface TurnContext {
  prompt: AssembledPrompt;
  window: number;
  /** When older turns were compacted (stored) or left out of this prompt (summary failed). */
  compaction: CompactionEvent | null;
  /** The summary call's tokens (prompt + answer), for the user's budget; 0 without one. */
  summaryTokens: number;
  status: 'not_needed' | 'compacted' | 'failed' | 'stale';
}

export interface TurnContextInput {
  db: Db;
  projectId: string;
  chatId: string;
  plan: readonly PlanItem[];
  /** Every message of the chat, the request's own last (ids chosen before they are stored). */
  messages: MemoryMessage[];
  memory: ChatMemory;
  model: string;
  settings: MemorySettings;
  summarize: Summarize;
  /** "Compact now": summarize even under the threshold. */
  force?: boolean;
  /** Runs before the record is stored (the request's rows must be stored first: the record points at them). */
  beforeStore?: () => Promise<unknown>;
}

export async function contextForTurn(input: TurnContextInput): Promise<TurnContext> {
  const window = input.settings.window(input.model);
  let summaryTokens = 0;
  const summarize: Summarize = async (messages: OpenAI.ChatCompletionMessageParam[]) => {
    summaryTokens += countMessages(messages);
    const answer = await input.summarize(messages);
    summaryTokens += countText(answer);
    return answer;
  };
  const compactInput = {
    messages: input.messages,
    memory: input.memory.memory,
    state: { plan: input.plan, decisions: input.memory.decisions, notes: input.memory.notes },
    window,
    threshold: input.settings.threshold,
    toolsTokens: promptToolsTokens(),
    force: input.force,
  };
  const outcome = await compact(compactInput, summarize);
  const base = { prompt: outcome.prompt, window, summaryTokens };
  if (outcome.status === 'not_needed') return { ...base, compaction: null, status: 'not_needed' };
  if (outcome.status === 'failed') {
    console.warn(`memory: summary call for chat ${input.chatId} failed (retried at the next turn): ${outcome.error}`);
    const compaction: CompactionEvent | null = outcome.dropped
      ? { type: 'compacted', before: assemble(compactInput).tokens, after: outcome.prompt.tokens, version: null, notice: outcome.memory?.notice ?? null }
      : null;
    return { ...base, compaction, status: 'failed' };
  }
  await input.beforeStore?.();
  const stored = await storeCompaction(input.db, input.projectId, input.chatId, outcome.record);
  // Another compaction of this chat won the race (or the chat went away): this prompt still fits; nothing is stored.
  if (stored.status !== 'stored') return { ...base, compaction: null, status: 'stale' };
  const { record } = stored;
  return {
    ...base,
    compaction: { type: 'compacted', before: record.tokensBefore, after: record.tokensAfter, version: record.version, notice: record.notice },
    status: 'compacted',
  };
}
