import 'server-only';
import { AGENT_LIMITS, type TurnErrorCode, type TurnEvent } from '@/lib/agent/protocol';
import { TurnError } from '@/server/model/errors';

// The HTTP edges of POST /api/agent/turn (server/model/turn-handler.ts): reading the capped JSON body,
// error responses, and the per-chat turn lock.

/** Images (capped each) plus text and tool results; anything bigger is refused before parsing. */
export const MAX_TURN_BODY_BYTES = AGENT_LIMITS.maxImages * AGENT_LIMITS.maxImageChars + 4 * 1024 * 1024;

const statusByCode: Partial<Record<TurnErrorCode, number>> = {
  bad_request: 400,
  forbidden: 403,
  unknown_model: 400,
  no_key: 503,
  step_limit: 409,
};

export function errorResponse(error: TurnError, headers: Headers, status?: number): Response {
  const event: TurnEvent = { type: 'error', code: error.code, message: error.message, retryable: error.retryable };
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(event), { status: status ?? statusByCode[error.code] ?? 502, headers });
}

export async function readJson(req: Request): Promise<unknown> {
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
export function chatLocks() {
  const running = new Map<string, Promise<void>>();
  /** Resolves with the release function (and whether it had to wait), or null when still busy. */
  async function acquire(chatId: string): Promise<{ release: () => void; waited: boolean } | null> {
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
  }
  return { acquire, busy: (chatId: string) => running.has(chatId) };
}
