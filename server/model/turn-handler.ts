import 'server-only';
import type { Db } from '@/db/client';
import { appendMessages, getChatForTurn, setPlan } from '@/db/queries/chats';
import { getProjectRole } from '@/db/queries/projects';
import type { PlanItem } from '@/db/schema';
import {
  AGENT_LIMITS,
  AGENT_MAX_STEPS,
  turnRequestSchema,
  type StoredContent,
  type TurnErrorCode,
  type TurnEvent,
} from '@/lib/agent/protocol';
import { decodeSession, readCookie, SESSION_COOKIE } from '@/server/auth/session';
import { isConfigured, modelConfigFromEnv, type ModelConfig } from '@/server/model/config';
import { noKeyError, toTurnError, TurnError } from '@/server/model/errors';
import { callModel } from '@/server/model/stream';
import { normalizeCalls, prepareTurn } from '@/server/model/turn-state';

// POST /api/agent/turn: one model call of the agent loop (see lib/agent/protocol.ts).
// Errors found before the model is called answer with an HTTP status and one JSON error event;
// from then on the body is NDJSON events and failures arrive as an `error` event.

export interface TurnHandlerOptions {
  getDb: () => Promise<Db>;
  getModelConfig?: () => ModelConfig;
  maxSteps?: number;
}

/** Images (capped each) plus text and tool results; anything bigger is refused before parsing. */
export const MAX_TURN_BODY_BYTES = AGENT_LIMITS.maxImages * AGENT_LIMITS.maxImageChars + 4 * 1024 * 1024;

const statusByCode: Partial<Record<TurnErrorCode, number>> = {
  bad_request: 400,
  forbidden: 403,
  unknown_model: 400,
  no_key: 503,
  step_limit: 409,
};

function errorResponse(error: TurnError, headers: Headers, status?: number): Response {
  const event: TurnEvent = { type: 'error', code: error.code, message: error.message, retryable: error.retryable };
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(event), { status: status ?? statusByCode[error.code] ?? 502, headers });
}

async function readJson(req: Request): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? 0);
  if (declared > MAX_TURN_BODY_BYTES || !req.body) {
    throw new TurnError('bad_request', declared ? 'The request is too large.' : 'The request has no body.');
  }
  const reader = req.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_TURN_BODY_BYTES) {
      await reader.cancel();
      throw new TurnError('bad_request', 'The request is too large.');
    }
    parts.push(value);
  }
  try {
    return JSON.parse(Buffer.concat(parts).toString('utf8'));
  } catch {
    throw new TurnError('bad_request', 'The request body is not JSON.');
  }
}

/** How long a turn waits for the previous turn of its chat to end (e.g. one that was just stopped). */
const BUSY_WAIT_MS = 2_000;

/**
 * One turn at a time per chat (in this process): a second one waits briefly for the first to end,
 * then is refused, so two answers never interleave in one conversation.
 */
function chatLocks() {
  const running = new Map<string, Promise<void>>();
  /** Resolves with the release function (and whether it had to wait), or null when still busy. */
  return async function acquire(chatId: string): Promise<{ release: () => void; waited: boolean } | null> {
    const deadline = Date.now() + BUSY_WAIT_MS;
    let waited = false;
    for (let current = running.get(chatId); current; current = running.get(chatId)) {
      waited = true;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await Promise.race([current, new Promise((r) => setTimeout(r, left))]);
    }
    let release!: () => void;
    running.set(chatId, new Promise<void>((resolve) => (release = resolve)));
    const done = () => {
      running.delete(chatId);
      release();
    };
    return { release: done, waited };
  };
}

export function createTurnHandler(options: TurnHandlerOptions) {
  const getConfig = options.getModelConfig ?? modelConfigFromEnv;
  const maxSteps = options.maxSteps ?? AGENT_MAX_STEPS;
  const acquire = chatLocks();

  return async function handleTurn(req: Request): Promise<Response> {
    // no-transform: a compressing proxy (or Next's gzip) must not buffer the event stream
    const headers = new Headers({ 'cache-control': 'no-store, no-transform' });
    let prepared;
    let release: (() => void) | null = null;
    try {
      const parsed = turnRequestSchema.safeParse(await readJson(req));
      if (!parsed.success) {
        const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
        throw new TurnError('bad_request', `Invalid turn request: ${problems}`);
      }
      const request = parsed.data;
      const db = await options.getDb();
      // The signed session cookie names the user (server/auth/session); a turn never creates an identity.
      const userId = decodeSession(readCookie(req.headers.get('cookie'), SESSION_COOKIE));
      if (!userId) return errorResponse(new TurnError('forbidden', 'Your session is missing or invalid. Reload the page.'), headers, 401);
      const access = await getChatForTurn(db, request.projectId, request.chatId, userId);
      if (!access?.role) {
        // Which one is missing, without telling strangers whether the project exists.
        const inProject = access ? null : await getProjectRole(db, request.projectId, userId);
        const message = inProject ? 'Chat not found.' : 'Project not found.';
        return errorResponse(new TurnError('forbidden', message), headers, 404);
      }
      if (access.role === 'viewer') throw new TurnError('forbidden', 'Viewers can read the chat but not run the agent.');
      const chat = access.chat;
      const config = getConfig();
      if (!isConfigured(config)) throw noKeyError();
      const model = request.model ?? config.models[0];
      if (!model || !config.models.includes(model)) {
        throw new TurnError('unknown_model', `"${request.model}" is not one of the configured models (${config.models.join(', ')}).`);
      }
      const api = request.api ?? config.api;
      const lock = await acquire(chat.id);
      if (!lock) {
        const busy = new TurnError('bad_request', 'The agent is already running in this chat. Stop it or wait for it to finish.', true);
        return errorResponse(busy, headers, 409);
      }
      release = lock.release;
      // After waiting for another turn, what was read before is stale: prepareTurn reads it again.
      const turn = await prepareTurn(db, chat, request.input, maxSteps, lock.waited ? undefined : access.contents);
      prepared = { db, chat, config, model, api, turn, stopOnly: request.input.kind === 'tool_results' && request.input.stop === true };
    } catch (error) {
      release?.();
      if (error instanceof TurnError) return errorResponse(error, headers);
      throw error;
    }

    const { db, chat, config, model, api, turn } = prepared;
    const unlock = release!;
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
    const upstream = new AbortController();
    const abort = () => upstream.abort();
    req.signal.addEventListener('abort', abort, { once: true });
    const encoder = new TextEncoder();

    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        const emit = (event: TurnEvent) => {
          if (upstream.signal.aborted) return;
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
              upstream.abort();
              return error;
            },
          ));
        try {
          const answer = await callModel({
            config,
            api,
            model,
            history: turn.history,
            signal: upstream.signal,
            onText: (delta) => {
              emit({ type: 'text', delta });
              // after this tick, so the token is written to the socket before the database work
              if (!committed) setImmediate(() => void commit());
            },
            onRetry: (info) => emit({ type: 'retrying', ...info }),
          }).catch(async (error: unknown) => {
            throw (await commit()) ?? error;
          });
          const commitError = await commit();
          if (commitError) throw commitError;
          if (upstream.signal.aborted) throw new TurnError('aborted', 'Stopped.');
          const toolCalls = normalizeCalls(answer.toolCalls);
          const content: StoredContent = { kind: 'assistant', text: answer.text, toolCalls, finishReason: answer.finishReason, model };
          const [stored] = await appendMessages(db, chat.id, [{ role: 'assistant', content, usage: answer.usage }]);
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
        upstream.abort();
      },
    });
    headers.set('content-type', 'application/x-ndjson; charset=utf-8');
    headers.set('x-accel-buffering', 'no');
    return new Response(body, { status: 200, headers });
  };
}
