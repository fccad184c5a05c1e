import 'server-only';
import type { Db } from '@/db/client';
import { getChat, listMessages } from '@/db/queries/chats';
import { listCompactions, loadChatMemory, NOTES_PATH } from '@/db/queries/memory';
import { readFile } from '@/db/queries/files';
import type { ProjectSummary } from '@/db/queries/projects';
import type { User } from '@/db/schema';
import type { StoredContent } from '@/lib/agent/protocol';
import { AppError } from '@/lib/errors';
import { chargeTokens, checkTokenBudget } from '@/server/model/budget';
import { isConfigured, type ModelConfig } from '@/server/model/config';
import { noKeyError } from '@/server/model/errors';
import { modelSummarizer } from '@/server/model/summarize';
import type { TurnDeps } from '@/server/model/turn';
import { assemble } from '@/server/memory/assemble';
import { contextForTurn, promptToolsTokens, type CompactionEvent } from '@/server/memory/turn-memory';
import type { MemoryMessage } from '@/server/memory/types';

// What the memory panel shows (memory.get) and "Compact now" (chat.compact), on the same rows and
// the same memory step as chat.send.

/** The requested model when it is configured, else the default; unknown ids are refused like chat.send does. */
export function pickModel(config: ModelConfig, requested?: string): string {
  const model = requested ?? config.models[0];
  if (!model || !config.models.includes(model)) throw new AppError('not_found:model', `"${requested}" is not one of the configured models.`);
  return model;
}

async function chatRows(db: Db, projectId: string, chatId: string) {
  const chat = await getChat(db, projectId, chatId);
  if (!chat) throw new AppError('not_found:chat', 'Chat not found.');
  const [rows, memory] = await Promise.all([listMessages(db, chat.id), loadChatMemory(db, projectId, chat.id)]);
  const messages: MemoryMessage[] = rows.map((m) => ({ id: m.id, content: m.content as StoredContent, tokens: m.tokens }));
  return { chat, messages, memory };
}

export async function memoryView(db: Db, deps: TurnDeps, projectId: string, chatId: string, requestedModel?: string) {
  const model = pickModel(deps.getModelConfig(), requestedModel);
  const [{ chat, messages, memory }, compactions, notesFile] = await Promise.all([
    chatRows(db, projectId, chatId),
    listCompactions(db, projectId, chatId),
    readFile(db, projectId, NOTES_PATH),
  ]);
  const state = { plan: chat.plan, decisions: memory.decisions, notes: memory.notes };
  const prompt = assemble({ messages, memory: memory.memory, state, toolsTokens: promptToolsTokens() });
  return {
    summary: memory.memory ? { version: memory.memory.version, text: memory.memory.summary, notice: memory.memory.notice } : null,
    plan: chat.plan,
    decisions: memory.decisions,
    notes: { text: memory.notes, version: notesFile?.version ?? null },
    context: { used: prompt.tokens, window: deps.memory.window(model), model },
    compactions,
  };
}

export type CompactNowResult = { status: 'compacted'; compaction: CompactionEvent; used: number; window: number } | { status: 'not_needed' | 'stale'; used: number; window: number };

/** "Compact now": summarize everything before the last turns, whatever the size. Checked like a turn. */
export async function compactNow(
  opts: { db: Db; deps: TurnDeps; user: User; project: ProjectSummary; chatId: string; model?: string },
  signal?: AbortSignal,
): Promise<CompactNowResult> {
  const { db, deps, user, project } = opts;
  const config = deps.getModelConfig();
  if (!isConfigured(config)) throw noKeyError();
  const model = pickModel(config, opts.model);
  const budget = await deps.budgetFor(db, user, project);
  if (budget.off) throw new AppError('forbidden:workshop', budget.off);
  await deps.rateLimit.take(user.id, budget);
  await checkTokenBudget(db, user.id, budget);
  const lock = await deps.locks.acquire(opts.chatId);
  if (!lock) throw new AppError('conflict:chat');
  try {
    const { chat, messages, memory } = await chatRows(db, project.id, opts.chatId);
    const context = await contextForTurn({
      db,
      projectId: project.id,
      chatId: chat.id,
      plan: chat.plan,
      messages,
      memory,
      model,
      settings: deps.memory,
      summarize: modelSummarizer(config, model, signal ? { signal } : {}),
      force: true,
    });
    if (context.summaryTokens) {
      await chargeTokens(db, user.id, { promptTokens: 0, completionTokens: 0 }, { history: [], answer: '' }, context.summaryTokens);
    }
    if (context.status === 'failed') throw new AppError('upstream:model', 'The summary call failed; nothing was changed. Try again in a moment.');
    const size = { used: context.prompt.tokens, window: context.window };
    if (context.status === 'compacted' && context.compaction) return { status: 'compacted', compaction: context.compaction, ...size };
    return { status: context.status === 'stale' ? 'stale' : 'not_needed', ...size };
  } finally {
    lock.release();
  }
}
