import 'server-only';
import OpenAI from 'openai';
import { AppError } from '@/lib/errors';
import { SETUP_HINT, type ModelConfig } from '@/server/model/config';

// Every failure of a model call becomes an AppError (`…:model`, lib/errors.ts) with a message a user
// can act on. Upstream messages are passed on only after scrubbing anything key-like.

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

export function noKeyError(): AppError {
  return new AppError('unavailable:model', SETUP_HINT);
}

export function isAbort(error: unknown): boolean {
  return error instanceof OpenAI.APIUserAbortError || (error instanceof Error && error.name === 'AbortError');
}

export function toAppError(error: unknown, config: ModelConfig, model: string): AppError {
  if (error instanceof AppError) return error;
  if (isAbort(error)) return new AppError('aborted:model', 'Stopped.');
  if (error instanceof StreamCutError) return new AppError('upstream:model', `${error.message} Nothing from it was kept; retry to ask again.`);
  if (error instanceof OpenAI.APIConnectionError) {
    return new AppError('upstream:model', `Could not reach ${where(config)}. Is the model server running and OPENAI_BASE_URL right?`);
  }
  if (error instanceof OpenAI.APIError) {
    const body = error.error as { message?: unknown } | undefined;
    const upstream = scrub(typeof body?.message === 'string' ? body.message : error.message, config);
    const code = typeof error.code === 'string' ? error.code : '';
    if (error.status === 401 || error.status === 403) {
      return new AppError('unauthorized:model', `${where(config)} rejected the API key. Check OPENAI_API_KEY.`);
    }
    if (error.status === 404 || code === 'model_not_found') {
      return new AppError('not_found:model', `The model "${model}" is not available on ${where(config)}. Check OPENAI_MODELS.`);
    }
    if (code === 'context_length_exceeded' || /context (length|window)|maximum context|too many tokens/i.test(error.message)) {
      return new AppError('too_large:model', 'The conversation is too long for this model. Start a new chat or pick a model with a larger context.');
    }
    if (error.status === 429) {
      if (code === 'insufficient_quota') return new AppError('unavailable:model', `The account behind OPENAI_API_KEY is out of quota (${upstream}).`);
      return new AppError('rate_limit:model', `${where(config)} is rate limiting requests. Wait a moment and retry.`);
    }
    if (error.status !== undefined && error.status >= 500) {
      return new AppError('upstream:model', `${where(config)} failed (HTTP ${error.status}): ${upstream}`);
    }
    return new AppError('upstream:model', `${where(config)} refused the request (HTTP ${error.status ?? '?'}): ${upstream}`);
  }
  return new AppError('upstream:model', `The model call failed: ${scrub(error instanceof Error ? error.message : String(error), config)}`);
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
