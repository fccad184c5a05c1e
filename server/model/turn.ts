import 'server-only';
import { Repeater } from '@repeaterjs/repeater';
import type { Db } from '@/db/client';
import { appendMessages, setPlan } from '@/db/queries/chats';
import type { ProjectSummary } from '@/db/queries/projects';
import { getTurnFacts, type TurnFacts } from '@/db/queries/turn-facts';
import { utcDay } from '@/db/queries/usage';
import type { PlanItem, User } from '@/db/schema';
import { AGENT_MAX_STEPS, type StoredContent, type TurnEvent, type TurnRequest } from '@/lib/agent/protocol';
import { AppError, isRetryable } from '@/lib/errors';
import { budgetFor, chargeTokens, checkTokensUsed, TurnRateLimit, type Budget } from '@/server/model/budget';
import { chatLocks, type ChatLocks } from '@/server/model/chat-locks';
import { isConfigured, modelConfigFromEnv, type ModelConfig } from '@/server/model/config';
import { noKeyError, toAppError } from '@/server/model/errors';
import { resolveImages } from '@/server/model/images';
import { callModel, type ModelAnswer } from '@/server/model/stream';
import { modelSummarizer } from '@/server/model/summarize';
import { normalizeCalls, prepareTurn } from '@/server/model/turn-state';
import { countStored } from '@/server/memory/count';
import { runServerTools } from '@/server/memory/remember';
import { contextForTurn, memorySettingsFromEnv, type MemorySettings } from '@/server/memory/turn-memory';
import { recordAgentTestRuns, recordWorkshopTurn } from '@/server/workshop/progress';

// One model call of the agent loop (lib/agent/protocol.ts), behind the tRPC mutation chat.send, which
// has checked the session and the editor role. Everything that can refuse the turn is checked before
// the events start (so it fails the mutation with an AppError) and before anything goes upstream.

export interface TurnDeps {
  getModelConfig: () => ModelConfig;
  maxSteps: number;
  locks: ChatLocks;
  rateLimit: TurnRateLimit;
  budgetFor: (db: Db, user: User, project: ProjectSummary) => Budget | Promise<Budget>;
  /** Context windows and the compaction threshold (server/memory/turn-memory.ts). */
  memory: MemorySettings;
}

export function createTurnDeps(overrides: Partial<TurnDeps> = {}): TurnDeps {
  return {
    getModelConfig: modelConfigFromEnv,
    maxSteps: AGENT_MAX_STEPS,
    locks: chatLocks(),
    rateLimit: new TurnRateLimit(),
    budgetFor,
    memory: memorySettingsFromEnv(),
    ...overrides,
  };
}

let shared: TurnDeps | undefined;
/** The process's turn state (chat locks, rate limit), shared by every request. */
export function defaultTurnDeps(): TurnDeps {
  return (shared ??= createTurnDeps());
}

export interface TurnOptions {
  db: Db;
  deps: TurnDeps;
  user: User;
  project: ProjectSummary;
  /** Read with the access check, in one statement (db/queries/turn-facts.ts): the chat, its memory and messages, today's tokens. */
  facts: TurnFacts;
  request: Omit<TurnRequest, 'projectId'>;
  /** The request's signal: the browser stopped or left. */
  signal?: AbortSignal;
}

/** Checks what may refuse the turn (throws AppError), then returns its events. */
export async function startTurn(options: TurnOptions): Promise<AsyncIterable<TurnEvent>> {
  const { db, deps, user, project, request, facts } = options;
  if (!facts.chat) throw new AppError('not_found:chat');
  const config = deps.getModelConfig();
  if (!isConfigured(config)) throw noKeyError();
  const model = request.model ?? config.models[0];
  if (!model || !config.models.includes(model)) {
    throw new AppError('not_found:model', `"${request.model}" is not one of the configured models (${config.models.join(', ')}).`);
  }
  const api = request.api ?? config.api;
  const stopOnly = request.input.kind === 'tool_results' && request.input.stop === true;
  let budget: Budget | undefined;
  if (!stopOnly) {
    budget = await deps.budgetFor(db, user, project);
    if (budget.off) throw new AppError('forbidden:workshop', budget.off);
    await deps.rateLimit.take(user.id, budget);
    checkTokensUsed(facts.usedToday, budget);
  }
  const lock = await deps.locks.acquire(facts.chat.chat.id);
  if (!lock) throw new AppError('conflict:chat');
  let turn;
  let found;
  try {
    // Read before the lock: when a turn of this chat was still ending (waited), what it stored is read again.
    const current = lock.waited ? await getTurnFacts(db, { projectId: project.id, chatId: request.chatId, userId: user.id, day: utcDay(new Date()) }) : facts;
    found = current.chat;
    if (!found) throw new AppError('not_found:chat');
    turn = await prepareTurn(db, found.chat, current.messages, request.input, deps.maxSteps);
  } catch (error) {
    lock.release();
    throw error;
  }
  const { chat, memory } = found;
  const { step, commit } = turn;
  let history = turn.history;
  const maxSteps = deps.maxSteps;

  return new Repeater<TurnEvent>(async (push, stop) => {
    const controller = new AbortController();
    const abort = () => controller.abort();
    options.signal?.addEventListener('abort', abort, { once: true });
    if (options.signal?.aborted) abort();
    void stop.then(abort);
    let text = '';
    let answer: ModelAnswer | undefined;
    let summaryTokens = 0;
    try {
      await push({ type: 'start', chatId: chat.id, model, api, step, maxSteps });
      if (stopOnly) {
        // tool_results with stop: store them and answer at once, without a model call.
        const rows = await commit();
        await push({ type: 'done', finishReason: 'stop', messageId: rows.at(-1)!.id, step });
        return;
      }
      // Stored once: before a compaction record that points at them, else while the model answers.
      let storing: ReturnType<typeof commit> | undefined;
      const store = () => (storing ??= commit());
      const context = await contextForTurn({
        db,
        projectId: project.id,
        chatId: chat.id,
        plan: chat.plan,
        messages: turn.messages,
        memory,
        model,
        settings: deps.memory,
        summarize: modelSummarizer(config, model, { signal: controller.signal }),
        beforeStore: store,
      });
      summaryTokens = context.summaryTokens;
      // Stored image references (chat images, screenshots the masking kept) go to the model as data URLs.
      history = await resolveImages(db, context.prompt.history);
      await push({ type: 'context', used: context.prompt.tokens, window: context.window });
      if (context.compaction) await push(context.compaction);
      // The request's messages are stored once the model streams (or the call ends, failed or stopped: they are
      // kept either way). PGlite runs on this thread: a write started beside the call held the request back.
      let committed: Promise<unknown> | undefined;
      const commitOnce = () =>
        (committed ??= store().then(
          () => null,
          (error: unknown) => (abort(), error),
        ));
      const call = callModel({
        config,
        api,
        model,
        history,
        signal: controller.signal,
        onText: async (delta) => {
          text += delta;
          await push({ type: 'text', delta });
        },
        onRetry: (info) => void push({ type: 'retrying', ...info }),
        // A macrotask later, once the first token has been written out: the write would otherwise hold it back.
        onStreaming: () => void setImmediate(() => void commitOnce()),
      });
      answer = await call.catch(async (error: unknown) => {
        throw (await commitOnce()) ?? error;
      });
      const commitError = await commitOnce();
      // A student's tests run by the agent's command tool (this request's results): the workshop dashboard shows the counts.
      if (request.input.kind === 'tool_results') {
        await recordAgentTestRuns(db, project, turn.history).catch((error: unknown) => console.error('agent turn: could not record a test run:', error));
      }
      if (commitError) throw commitError;
      if (controller.signal.aborted) throw new AppError('aborted:model', 'Stopped.');
      const toolCalls = normalizeCalls(answer.toolCalls);
      const content: StoredContent = { kind: 'assistant', text: answer.text, toolCalls, finishReason: answer.finishReason, model };
      const [stored] = await appendMessages(db, chat.id, [{ role: 'assistant', content, usage: answer.usage, tokens: countStored(content) }]);
      const plan = toolCalls.findLast((c) => c.name === 'update_plan' && c.args);
      if (plan) await setPlan(db, chat.projectId, chat.id, (plan.args as { items: PlanItem[] }).items);
      await runServerTools(db, chat.projectId, chat.id, stored!.id, toolCalls);
      if (toolCalls.length) await push({ type: 'tool_calls', messageId: stored!.id, calls: toolCalls });
      if (answer.usage) await push({ type: 'usage', usage: answer.usage });
      await push({ type: 'done', finishReason: answer.finishReason, messageId: stored!.id, step });
    } catch (error) {
      const failure = toAppError(error, config, model);
      if (failure.kind === 'upstream' || failure.kind === 'aborted') console.warn(`agent turn ${chat.id}: ${failure.code}: ${failure.message}`);
      await push({ type: 'error', code: failure.code, message: failure.message, retryable: isRetryable(failure.code) });
    } finally {
      lock.release();
      options.signal?.removeEventListener('abort', abort);
      // What the call cost: the reported usage; for a stopped call (the model read the prompt) an estimate.
      if (!stopOnly && (answer || controller.signal.aborted || summaryTokens)) {
        const spent = answer ? answer.text + JSON.stringify(answer.toolCalls) : text;
        const usage = answer?.usage ?? (answer || controller.signal.aborted ? null : { promptTokens: 0, completionTokens: 0 });
        const workshopId = budget?.workshopId;
        await chargeTokens(db, user.id, usage, { history, answer: spent }, summaryTokens)
          .then(async (tokens) => {
            if (workshopId) await recordWorkshopTurn(db, workshopId, project.id, tokens);
          })
          .catch((error: unknown) => console.error('agent turn: could not record token usage:', error));
      }
      stop();
    }
  });
}
