import 'server-only';
import type { Db } from '@/db/client';
import { appendMessages, getChatForTurn, setPlan } from '@/db/queries/chats';
import { getProjectRole } from '@/db/queries/projects';
import type { PlanItem } from '@/db/schema';
import { AGENT_MAX_STEPS, turnRequestSchema, type StoredContent, type TurnEvent, type TurnRequest } from '@/lib/agent/protocol';
import { isLive } from '@/server/auth/request-user';
import { decodeSession, readCookie, SESSION_COOKIE } from '@/server/auth/session';
import { isConfigured, modelConfigFromEnv, type ModelConfig } from '@/server/model/config';
import { noKeyError, toTurnError, TurnError } from '@/server/model/errors';
import { HistoryCache, RecentAccess } from '@/server/model/history-cache';
import { startModelRun, type ModelRun } from '@/server/model/model-run';
import { chatLocks, errorResponse, readJson } from '@/server/model/turn-http';
import { normalizeCalls, planTurn, prepareTurn } from '@/server/model/turn-state';

// POST /api/agent/turn: one model call of the agent loop (see lib/agent/protocol.ts).
// Errors found before the model is called answer with an HTTP status and one JSON error event;
// from then on the body is NDJSON events and failures arrive as an `error` event.
//
// The next turn of a chat this process has just served (history-cache.ts), and the first turn of a
// chat the browser just created (when the user's role was checked a moment ago), call the model at
// once, and check access and the chat's state (its last message) while the model works, without
// reading the history again. Until the check passes nothing of that call is sent; when it fails the call is
// aborted and the turn goes the ordinary way (read, check, call).

export interface TurnHandlerOptions {
  getDb: () => Promise<Db>;
  getModelConfig?: () => ModelConfig;
  maxSteps?: number;
}

interface EarlyCall {
  run: ModelRun;
  /** The chat's state the call was started from (its last message; null: no messages); the database must show the same. */
  lastId: string | null;
  contents: StoredContent[];
  /** Size of `contents` as JSON, so the cache's size grows by what a turn adds, not by the whole history again. */
  chars: number;
}

export function createTurnHandler(options: TurnHandlerOptions) {
  const getConfig = options.getModelConfig ?? modelConfigFromEnv;
  const maxSteps = options.maxSteps ?? AGENT_MAX_STEPS;
  const locks = chatLocks();
  const cache = new HistoryCache();
  const recentAccess = new RecentAccess();

  /** What the chat holds, as far as this process knows without reading it (see EarlyCall). */
  function known(request: TurnRequest, userId: string): Pick<EarlyCall, 'contents' | 'lastId' | 'chars'> | undefined {
    // A chat the browser just created: empty, if this user's role here was checked a moment ago.
    if (request.after === null) return recentAccess.recent(userId, request.projectId) ? { contents: [], lastId: null, chars: 2 } : undefined;
    const cached = cache.get(request.chatId, request.projectId, userId);
    // The browser's hint says it saw the same last message: the chat was not cut or changed since.
    return cached && request.after === cached.lastId ? cached : undefined;
  }

  /** A call started before the access check (see the top of this file). */
  function startEarly(request: TurnRequest, userId: string, config: ModelConfig, model: string): EarlyCall | undefined {
    const cached = known(request, userId);
    if (!cached || locks.busy(request.chatId) || (request.input.kind === 'tool_results' && request.input.stop)) return undefined;
    let plan;
    try {
      plan = planTurn(cached.contents, request.input, maxSteps);
    } catch {
      return undefined; // the ordinary path gives the error
    }
    if (plan.overLimit) return undefined;
    const run = startModelRun({ config, api: request.api ?? config.api, model, history: plan.history });
    return { run, lastId: cached.lastId, contents: cached.contents, chars: cached.chars };
  }

  return async function handleTurn(req: Request): Promise<Response> {
    // no-transform: a compressing proxy must not buffer the event stream
    const headers = new Headers({ 'cache-control': 'no-store, no-transform' });
    let prepared;
    let release: (() => void) | null = null;
    let early: ReturnType<typeof startEarly>;
    const abortEarly = () => early?.run.abort();
    req.signal.addEventListener('abort', abortEarly, { once: true });
    try {
      const parsed = turnRequestSchema.safeParse(await readJson(req));
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new TurnError('bad_request', `Invalid turn request: ${problems}`);
      }
      const request = parsed.data;
      const db = await options.getDb();
      // The signed session cookie names the user (server/auth/session); a turn never creates an identity.
      // Signature and expiry here; whether the session was ended is read beside the access check below.
      const claims = decodeSession(readCookie(req.headers.get('cookie'), SESSION_COOKIE));
      const noSession = () => errorResponse(new TurnError('forbidden', 'Your session is missing or invalid. Reload the page.'), headers, 401);
      if (!claims) return noSession();
      const userId = claims.userId;
      const config = getConfig();
      const model = request.model ?? config.models[0];
      const modelOk = isConfigured(config) && model !== undefined && config.models.includes(model);
      early = modelOk ? startEarly(request, userId, config, model) : undefined;
      // Let the SDK put the request on the wire before the database read takes the thread.
      if (early) await new Promise((resolve) => setImmediate(resolve));
      const [live, access] = await Promise.all([
        isLive(db, claims),
        getChatForTurn(db, request.projectId, request.chatId, userId, { contents: !early }),
      ]);
      if (!live) {
        abortEarly();
        return noSession();
      }
      if (early && !(access?.role && access.role !== 'viewer' && access.lastId === early.lastId)) {
        // Not what this process last saw (another tab or server changed the chat, or access changed).
        cache.forget(request.chatId);
        early.run.abort();
        early = undefined;
      }
      if (!access?.role) {
        // Which one is missing, without telling strangers whether the project exists.
        const inProject = access ? null : await getProjectRole(db, request.projectId, userId);
        const message = inProject ? 'Chat not found.' : 'Project not found.';
        return errorResponse(new TurnError('forbidden', message), headers, 404);
      }
      if (access.role === 'viewer') throw new TurnError('forbidden', 'Viewers can read the chat but not run the agent.');
      recentAccess.remember(userId, request.projectId);
      const chat = access.chat;
      if (!isConfigured(config)) throw noKeyError();
      if (!modelOk) throw new TurnError('unknown_model', `"${request.model}" is not one of the configured models (${config.models.join(', ')}).`);
      const api = request.api ?? config.api;
      const lock = await locks.acquire(chat.id);
      if (!lock) {
        const busy = new TurnError('bad_request', 'The agent is already running in this chat. Stop it or wait for it to finish.', true);
        return errorResponse(busy, headers, 409);
      }
      release = lock.release;
      // After waiting for another turn, what was read before is stale: prepareTurn reads it again.
      if (lock.waited) abortEarly();
      const stored = lock.waited ? undefined : (early?.contents ?? access.contents);
      const turn = await prepareTurn(db, chat, request.input, maxSteps, stored);
      const stopOnly = request.input.kind === 'tool_results' && request.input.stop === true;
      const run = early && !lock.waited ? early.run : undefined;
      const base = run ? { length: early!.contents.length, chars: early!.chars } : undefined;
      prepared = { db, chat, config, model, api, turn, userId, stopOnly, run, base };
    } catch (error) {
      release?.();
      if (error instanceof TurnError) return errorResponse(error, headers);
      throw error;
    } finally {
      // An early call that is not this turn's (refused, busy, failed) ends here.
      if (!prepared) abortEarly();
      req.signal.removeEventListener('abort', abortEarly);
    }

    const { db, chat, config, model, api, turn, userId, base } = prepared;
    const unlock = release!;
    // Whatever happens below, the cached state is only trusted again after a complete turn.
    cache.forget(chat.id);
    if (prepared.stopOnly) {
      // tool_results with stop: store them and answer at once, without a model call.
      let rows;
      try {
        rows = await turn.commit();
      } catch (error) {
        if (error instanceof TurnError) return errorResponse(error, headers);
        throw error;
      } finally {
        unlock();
      }
      const events: TurnEvent[] = [
        { type: 'start', chatId: chat.id, model, api, step: turn.step, maxSteps },
        { type: 'done', finishReason: 'stop', messageId: rows.at(-1)!.id, step: turn.step },
      ];
      headers.set('content-type', 'application/x-ndjson; charset=utf-8');
      return new Response(events.map((e) => `${JSON.stringify(e)}\n`).join(''), { status: 200, headers });
    }
    const run = prepared.run ?? startModelRun({ config, api, model, history: turn.history });
    const abort = () => run.abort();
    req.signal.addEventListener('abort', abort, { once: true });
    const encoder = new TextEncoder();

    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const emit = (event: TurnEvent) => {
          if (run.signal.aborted) return;
          try {
            controller.enqueue(encoder.encode(`${JSON.stringify(event)}\n`));
          } catch {
            // the client went away; the abort listener stops the model call
          }
        };
        emit({ type: 'start', chatId: chat.id, model, api, step: turn.step, maxSteps });
        // The request's messages are written once the first token has gone out (or the call ended),
        // off the critical path; the answer is stored after them.
        let committed: Promise<unknown> | undefined;
        const commit = () =>
          (committed ??= turn.commit().then(
            () => null,
            (error: unknown) => {
              run.abort();
              return error;
            },
          ));
        try {
          const answer = await run
            .attach({
              onText: (delta) => {
                emit({ type: 'text', delta });
                // after this tick, so the token is written to the socket before the database work
                if (!committed) setImmediate(() => void commit());
              },
              onRetry: (info) => emit({ type: 'retrying', ...info }),
            })
            .catch(async (error: unknown) => {
              throw (await commit()) ?? error;
            });
          const commitError = await commit();
          if (commitError) throw commitError;
          if (run.signal.aborted) throw new TurnError('aborted', 'Stopped.');
          const toolCalls = normalizeCalls(answer.toolCalls);
          const content: StoredContent = { kind: 'assistant', text: answer.text, toolCalls, finishReason: answer.finishReason, model };
          const [stored] = await appendMessages(db, chat.id, [{ role: 'assistant', content, usage: answer.usage }]);
          const contents = [...turn.history, content];
          const chars = base ? base.chars + JSON.stringify(contents.slice(base.length)).length : JSON.stringify(contents).length;
          cache.set(chat.id, { projectId: chat.projectId, userId, contents, lastId: stored!.id, chars });
          const plan = toolCalls.findLast((c) => c.name === 'update_plan' && c.args);
          if (plan) await setPlan(db, chat.projectId, chat.id, (plan.args as { items: PlanItem[] }).items);
          if (toolCalls.length) emit({ type: 'tool_calls', messageId: stored!.id, calls: toolCalls });
          if (answer.usage) emit({ type: 'usage', usage: answer.usage });
          emit({ type: 'done', finishReason: answer.finishReason, messageId: stored!.id, step: turn.step });
        } catch (error) {
          const turnError = toTurnError(error, config, model);
          if (turnError.code === 'upstream' || turnError.code === 'aborted') {
            console.warn(`agent turn ${chat.id}: ${turnError.code}: ${turnError.message}`);
          }
          emit({ type: 'error', code: turnError.code, message: turnError.message, retryable: turnError.retryable });
        } finally {
          unlock();
          req.signal.removeEventListener('abort', abort);
          try {
            controller.close();
          } catch {
            // already cancelled
          }
        }
      },
      cancel() {
        run.abort();
      },
    });
    headers.set('content-type', 'application/x-ndjson; charset=utf-8');
    headers.set('x-accel-buffering', 'no');
    return new Response(body, { status: 200, headers });
  };
}
