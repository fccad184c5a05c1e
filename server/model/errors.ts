import 'server-only';
import OpenAI from 'openai';
import type { TurnErrorCode } from '@/lib/agent/protocol';
import { SETUP_HINT, type ModelConfig } from '@/server/model/config';

// Every failure of a model call becomes one of the protocol's typed codes with a message a user
// can act on. Upstream messages are passed on only after scrubbing anything key-like.

export class TurnError extends Error {
  constructor(
    readonly code: TurnErrorCode,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'TurnError';
  }
}

/** The answer stream ended before the model finished (connection dropped). */
export class StreamCutError extends Error {
  constructor() {
    super("The model's answer was cut off before it finished.");
  }
}

function scrub(text: string, config: ModelConfig): string {
  let out = text;
  if (config.apiKey) out = out.split(config.apiKey).join('[key]');
  return out.replace(/\b(sk|key)-[\w*-]{6,}/gi, '[key]').slice(0, 500);
}

function where(config: ModelConfig): string {
  if (!config.baseURL) return 'OpenAI';
  try {
    return new URL(config.baseURL).host;
  } catch {
    return 'the model server';
  }
}

export function noKeyError(): TurnError {
  return new TurnError('no_key', SETUP_HINT);
}

export function isAbort(error: unknown): boolean {
  return error instanceof OpenAI.APIUserAbortError || (error instanceof Error && error.name === 'AbortError');
}

export function toTurnError(error: unknown, config: ModelConfig, model: string): TurnError {
  if (error instanceof TurnError) return error;
  if (isAbort(error)) return new TurnError('aborted', 'Stopped.');
  if (error instanceof StreamCutError) return new TurnError('upstream', `${error.message} Nothing from it was kept; retry to ask again.`, true);
  if (error instanceof OpenAI.APIConnectionError) {
    return new TurnError('upstream', `Could not reach ${where(config)}. Is the model server running and OPENAI_BASE_URL right?`, true);
  }
  if (error instanceof OpenAI.APIError) {
    const body = error.error as { message?: unknown } | undefined;
    const upstream = scrub(typeof body?.message === 'string' ? body.message : error.message, config);
    const code = typeof error.code === 'string' ? error.code : '';
    if (error.status === 401 || error.status === 403) {
      return new TurnError('bad_key', `${where(config)} rejected the API key. Check OPENAI_API_KEY.`);
    }
    if (error.status === 404 || code === 'model_not_found') {
      return new TurnError('unknown_model', `The model "${model}" is not available on ${where(config)}. Check OPENAI_MODELS.`);
    }
    if (code === 'context_length_exceeded' || /context (length|window)|maximum context|too many tokens/i.test(error.message)) {
      return new TurnError('context_too_long', 'The conversation is too long for this model. Start a new chat or pick a model with a larger context.');
    }
    if (error.status === 429) {
      if (code === 'insufficient_quota') return new TurnError('rate_limited', `The account behind OPENAI_API_KEY is out of quota (${upstream}).`);
      return new TurnError('rate_limited', `${where(config)} is rate limiting requests. Wait a moment and retry.`, true);
    }
    if (error.status !== undefined && error.status >= 500) {
      return new TurnError('upstream', `${where(config)} failed (HTTP ${error.status}): ${upstream}`, true);
    }
    return new TurnError('upstream', `${where(config)} refused the request (HTTP ${error.status ?? '?'}): ${upstream}`);
  }
  return new TurnError('upstream', `The model call failed: ${scrub(error instanceof Error ? error.message : String(error), config)}`, true);
}

/** 429 and 5xx (and dropped connections) may be retried, only before the first token. */
export function retryDelayMs(error: unknown, attempt: number): number | null {
  const transient =
    error instanceof OpenAI.APIConnectionError ||
    (error instanceof OpenAI.APIError && error.status !== undefined && (error.status === 429 || error.status >= 500));
  if (!transient) return null;
  if (error instanceof OpenAI.APIError && error.code === 'insufficient_quota') return null;
  const headers = error instanceof OpenAI.APIError ? error.headers : undefined;
  const ms = Number(headers?.get('retry-after-ms'));
  const seconds = Number(headers?.get('retry-after'));
  const hinted = Number.isFinite(ms) && ms >= 0 && headers?.get('retry-after-ms') ? ms : Number.isFinite(seconds) && headers?.get('retry-after') ? seconds * 1000 : null;
  if (hinted !== null) return hinted > 20_000 ? null : hinted;
  return Math.min(8_000, 500 * 2 ** (attempt - 1)) * (0.8 + Math.random() * 0.4);
}
