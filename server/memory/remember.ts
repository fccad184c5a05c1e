import 'server-only';
import type { Db } from '@/db/client';
import { appendMessages } from '@/db/queries/chats';
import { addDecision, MAX_DECISIONS } from '@/db/queries/memory';
import { countStored } from '@/server/memory/count';
import { isServerTool, type StoredContent, type ToolCall } from '@/lib/agent/protocol';

// Server tools run when the assistant message that calls them is stored, before the browser hears of
// the calls; their results are stored at once, so the browser sends none (lib/agent/runner.ts skips them).

const outputs = {
  stored: 'Recorded. It stays in your context for the rest of this chat.',
  full: `Not recorded: this chat already has ${MAX_DECISIONS} decisions.`,
  not_found: 'Not recorded: the chat is gone.',
} as const;

/** Runs the valid server-tool calls of a stored assistant message and stores their results. */
export async function runServerTools(db: Db, projectId: string, chatId: string, messageId: string, calls: readonly ToolCall[]): Promise<void> {
  const results: StoredContent[] = [];
  for (const call of calls) {
    // Invalid calls (bad arguments) are answered with their error like any other invalid call.
    if (!isServerTool(call.name) || !call.args) continue;
    const outcome = await addDecision(db, projectId, chatId, messageId, call.args);
    results.push({ kind: 'tool', toolCallId: call.id, name: call.name, ok: outcome === 'stored', output: outputs[outcome] });
  }
  if (results.length) await appendMessages(db, chatId, results.map((content) => ({ role: 'tool', content, tokens: countStored(content) })));
}
