import { z } from 'zod';
import type { ToolCall } from '@/lib/agent/tool-schemas';

// The agent protocol, shared by the browser (lib/agent runner, stores, panel) and the server
// (server/model: turn-handler.ts, served by server/main.ts). Zod is the single source: tool arguments are validated with
// these schemas on the server and their JSON Schema (z.toJSONSchema) is what the model sees.
//
// One turn of the loop:
//   1. The browser POSTs a TurnRequest to AGENT_TURN_URL (`/api/agent/turn`) with either a user
//      message (text + optional image data URLs), the results of the pending tool calls, or `resume`
//      (call the model again on the stored conversation: retry after an error).
//   2. The server authenticates (session cookie, editor role on the project), validates and caps
//      the request, appends the user message / tool results to the DB, assembles the conversation
//      (tool results and file contents wrapped as untrusted data), and calls the model with the
//      openai SDK, streaming. 429/5xx before the first token are retried with backoff (`retrying`
//      events); never after a token, so a tool call is never produced twice.
//   3. A request refused before the model is called (validation, role, no_key, unknown_model,
//      step_limit, another turn of the chat still running: 409) answers an HTTP error status whose
//      body is one `error` event (turnResponseEvents reads both). Otherwise the body is NDJSON: one
//      TurnEvent per line (`start`, `text` deltas, then `tool_calls` once the assistant message —
//      text and calls together — is stored, `usage`, and a final `done` or `error`). Aborting the
//      fetch aborts the upstream model request; nothing partial of the answer is stored (the
//      request's own message or results are). `tool_results` with `stop: true` stores the results
//      (calls without one as not run) and answers `start` + `done` without calling the model.
//   4. If `done.finishReason === 'tool_calls'`, the browser runs every call in its sandbox (after
//      approval), then POSTs `{ kind: 'tool_results' }` with one result per call id → next turn.
//      Calls that arrived with `error` (unknown tool, invalid arguments) need no result: the server
//      answers them with the error. `update_plan` is applied by the server when the call is stored
//      (chat.plan); the browser only answers it ok. A new user message while calls are pending
//      records them as not run.
//   5. The loop stops when the model answers without tool calls, on an error, or after
//      AGENT_MAX_STEPS model calls since the last user message (the server enforces it and
//      answers `error` with code `step_limit`).

export const AGENT_TURN_URL = '/api/agent/turn';
/** Model calls allowed after one user message before the server refuses to continue. */
export const AGENT_MAX_STEPS = 40;

export const AGENT_LIMITS = {
  maxMessageChars: 32_000,
  maxImages: 4,
  /** Per image, as a data URL (base64 text). */
  maxImageChars: 5 * 1024 * 1024,
  /** A longer tool output is truncated (head and tail kept) with TRUNCATION_MARKER in between. */
  maxToolResultChars: 24_000,
  maxToolResults: 32,
} as const;

export const TRUNCATION_MARKER = '\n[… output truncated by the IDE …]\n';

// Tools: lib/agent/tool-schemas.ts
export * from '@/lib/agent/tool-schemas';

// ---------------------------------------------------------------------------------------------
// Turn request (browser → server)

export const modelApiSchema = z.enum(['chat', 'responses']);
export type ModelApi = z.infer<typeof modelApiSchema>;

export const imageDataUrlSchema = z
  .string()
  .max(AGENT_LIMITS.maxImageChars, 'An image is larger than 5 MiB.')
  .regex(/^data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=]+$/, 'Images must be PNG, JPEG, GIF or WebP data URLs.');

export const toolResultSchema = z.object({
  toolCallId: z.string().min(1).max(200),
  /** false when the tool failed, was invalid, or the user declined it; output says why. */
  ok: z.boolean(),
  /** What the model reads. Longer than maxToolResultChars is truncated by the server with a marker. */
  output: z.string(),
});
export type ToolResult = z.infer<typeof toolResultSchema>;

export const turnInputSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('user'),
    text: z.string().max(AGENT_LIMITS.maxMessageChars, 'The message is too long.'),
    images: z.array(imageDataUrlSchema).max(AGENT_LIMITS.maxImages).optional(),
  }),
  z.object({
    kind: z.literal('tool_results'),
    results: z.array(toolResultSchema).min(1).max(AGENT_LIMITS.maxToolResults),
    // Added by the agent-runner side (#6): Stop was pressed while tools ran. Store the results (so
    // the conversation never holds calls without results) and answer `done` without calling the model.
    stop: z.boolean().optional(),
  }),
  /** Call the model again on the stored conversation (after an error or a stop). */
  z.object({ kind: z.literal('resume') }),
]);
export type TurnInput = z.infer<typeof turnInputSchema>;

export const turnRequestSchema = z.object({
  projectId: z.uuid(),
  chatId: z.uuid(),
  /** One of the configured models (chat.models); unset → the default. */
  model: z.string().max(200).optional(),
  /** Chat Completions (default) or the Responses API; unset → the server's default. */
  api: modelApiSchema.optional(),
  input: turnInputSchema,
  /** The last message id the browser saw stored (`tool_calls` / `done`), or null for a chat it just created:
   *  lets the server start the model call early (server/model/turn-handler.ts). */
  after: z.uuid().nullable().optional(),
});
export type TurnRequest = z.infer<typeof turnRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Streamed events (server → browser), one JSON object per line

export const turnErrorCodes = [
  'no_key',
  'bad_key',
  'unknown_model',
  'context_too_long',
  'rate_limited',
  'upstream',
  'aborted',
  'step_limit',
  'bad_request',
  'forbidden',
] as const;
export type TurnErrorCode = (typeof turnErrorCodes)[number];

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

export type FinishReason = 'stop' | 'tool_calls' | 'length' | 'content_filter';

export type TurnEvent =
  /** The request was accepted; `step` counts model calls since the last user message (1-based). */
  | { type: 'start'; chatId: string; model: string; api: ModelApi; step: number; maxSteps: number }
  /** An upstream 429/5xx before the first token; the server waits `delayMs` and tries again. */
  | { type: 'retrying'; attempt: number; delayMs: number; reason: string }
  | { type: 'text'; delta: string }
  /** The assistant message is stored (id); these are its tool calls, validated. */
  | { type: 'tool_calls'; messageId: string; calls: ToolCall[] }
  | { type: 'usage'; usage: Usage }
  | { type: 'done'; finishReason: FinishReason; messageId: string; step: number }
  | { type: 'error'; code: TurnErrorCode; message: string; retryable: boolean };

/**
 * The events of a turn response, whatever its status: a refused request (HTTP 4xx/5xx, before the
 * model was called: bad request, forbidden, no_key, unknown_model, step_limit) is one JSON error event.
 */
export async function* turnResponseEvents(res: Response): AsyncGenerator<TurnEvent> {
  if (!res.ok || !res.body) {
    const text = await res.text().catch(() => '');
    try {
      yield JSON.parse(text) as TurnEvent;
    } catch {
      yield { type: 'error', code: 'upstream', message: `The IDE answered HTTP ${res.status}.`, retryable: res.status >= 500 };
    }
    return;
  }
  yield* readTurnEvents(res.body);
}

/** Splits an NDJSON body into events; the browser's reader for the turn response. */
export async function* readTurnEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<TurnEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline).trim();
      buffer = buffer.slice(newline + 1);
      if (line) yield JSON.parse(line) as TurnEvent;
      newline = buffer.indexOf('\n');
    }
  }
  if (buffer.trim()) yield JSON.parse(buffer) as TurnEvent;
}

// ---------------------------------------------------------------------------------------------
// Stored messages (message.content), as chat.messages returns them

export type StoredContent =
  | { kind: 'user'; text: string; images?: string[] }
  | { kind: 'assistant'; text: string; toolCalls: ToolCall[]; finishReason: FinishReason; model: string }
  | { kind: 'tool'; toolCallId: string; name: string; ok: boolean; output: string };
