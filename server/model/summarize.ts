import 'server-only';
import { modelClient, type ModelConfig } from '@/server/model/config';
import type { Summarize } from '@/server/memory/compact';

// The summary call of a compaction (server/memory/compact.ts): one non-streamed Chat Completions
// request with the handoff prompt. Chat Completions whatever OPENAI_API says: every compatible
// server speaks it, and nothing streams to the user. No retries here: a failure leaves the
// conversation as it was and the next turn tries again.

export const SUMMARY_TIMEOUT_MS = 120_000;

export function modelSummarizer(config: ModelConfig, model: string, options: { signal?: AbortSignal } = {}): Summarize {
  return async (messages) => {
    const answer = await modelClient(config).chat.completions.create(
      { model, messages, stream: false },
      { timeout: SUMMARY_TIMEOUT_MS, maxRetries: 0, ...(options.signal ? { signal: options.signal } : {}) },
    );
    return answer.choices[0]?.message?.content ?? '';
  };
}
