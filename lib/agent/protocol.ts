import { z } from 'zod';
import type { ToolCall } from '@/lib/agent/tool-schemas';
import type { AppErrorCode } from '@/lib/errors';

// The agent protocol, shared by the browser (lib/agent runner, stores, panel) and the server
// (the tRPC procedure chat.send, server/model/turn.ts). Zod is the single source: tool arguments are validated with
// these schemas on the server and their JSON Schema (z.toJSONSchema) is what the model sees.
//
// One turn of the loop:
//   1. The browser calls the tRPC mutation `chat.send` (a POST; httpBatchStreamLink streams its events)
//      with a TurnRequest: either a user message (text + optional image data URLs), the results of
//      the pending tool calls, or `resume` (call the model again on the stored conversation: retry
//      after an error).
//   2. The server checks the session and the editor role (server/access.ts), the turn rate limit and the
//      model budget of the identity (server/model/budget.ts), appends the user message / tool results
//      to the DB, assembles the conversation (tool results and file contents wrapped as untrusted data),
//      and calls the model with the openai SDK, streaming. 429/5xx before the first token are retried
//      with backoff (`retrying` events); never after a token, so a tool call is never produced twice.
//   3. A request refused before the model is called (validation, role, no model, unknown model, step
//      limit, budget, rate limit, another turn of the chat still running) fails the mutation with an
//      AppError (`kind:surface`, lib/errors.ts); the browser's transport turns it into one `error`
//      event. Otherwise the mutation yields TurnEvents (`start`, `text` deltas, then `tool_calls` once
//      the assistant message — text and calls together — is stored, `usage`, and a final `done` or
//      `error`). Aborting the call aborts the upstream model request; nothing partial of the answer is
//      stored (the request's own message or results are). `tool_results` with `stop: true` stores the
//      results (calls without one as not run) and answers `start` + `done` without calling the model.
//   4. If `done.finishReason === 'tool_calls'`, the browser runs every call in its sandbox (after
//      approval), then sends `{ kind: 'tool_results' }` with one result per call id → next turn.
//      Calls that arrived with `error` (unknown tool, invalid arguments) need no result: the server
//      answers them with the error. `update_plan` is applied by the server when the call is stored
//      (chat.plan); the browser only answers it ok. Server tools (`remember`) are run and answered by
//      the server when the call is stored; the browser shows them and sends no result. A new user message while calls are pending
//      records them as not run.
//   5. The loop stops when the model answers without tool calls, on an error, or after
//      AGENT_MAX_STEPS model calls since the last user message (the server enforces it and
//      answers `budget:chat`).

/** Model calls allowed after one user message before the server refuses to continue. */
export const AGENT_MAX_STEPS = 40;

/** Largest image file a chat message may carry (checked again on the server, by content). */
export const CHAT_IMAGE_MAX_BYTES = 10 * 1024 * 1024;

export const AGENT_LIMITS = {
  maxMessageChars: 32_000,
  maxImages: 4,
  /** Per image, as a data URL: base64 of CHAT_IMAGE_MAX_BYTES plus the `data:image/…;base64,` prefix. */
  maxImageChars: Math.ceil(CHAT_IMAGE_MAX_BYTES / 3) * 4 + 32,
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
  .max(AGENT_LIMITS.maxImageChars, 'An image is larger than 10 MB.')
  .regex(/^data:image\/(png|jpeg|webp);base64,[A-Za-z0-9+/=]+$/, 'Images must be PNG, JPEG or WebP data URLs.');

export const toolResultSchema = z.object({
  toolCallId: z.string().min(1).max(200),
  /** false when the tool failed, was invalid, or the user declined it; output says why. */
  ok: z.boolean(),
  /** What the model reads. Longer than maxToolResultChars is truncated by the server with a marker. */
  output: z.string(),
  /** An image the tool returns (screenshot_preview), checked and stored by the server like a chat image. */
  images: z.array(imageDataUrlSchema).max(1).optional(),
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
    results: z
      .array(toolResultSchema)
      .min(1)
      .max(AGENT_LIMITS.maxToolResults)
      .refine((results) => results.reduce((n, r) => n + (r.images?.length ?? 0), 0) <= AGENT_LIMITS.maxImages, {
        message: `At most ${AGENT_LIMITS.maxImages} images per request.`,
      }),
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
});
export type TurnRequest = z.infer<typeof turnRequestSchema>;

// ---------------------------------------------------------------------------------------------
// Streamed events (server → browser)

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
  /** The prompt about to be sent, counted (o200k), and the model's context window. */
  | { type: 'context'; used: number; window: number }
  /**
   * Older turns were compacted before this call (server/memory). `version` is the stored memory
   * record; null when the summary call failed and turns were only left out of this one prompt.
   */
  | { type: 'compacted'; before: number; after: number; version: number | null; notice: string | null }
  | { type: 'done'; finishReason: FinishReason; messageId: string; step: number }
  | { type: 'error'; code: AppErrorCode; message: string; retryable: boolean };

// ---------------------------------------------------------------------------------------------
// Stored messages (message.content), as chat.messages returns them

export type StoredContent =
  | { kind: 'user'; text: string; images?: string[] }
  | { kind: 'assistant'; text: string; toolCalls: ToolCall[]; finishReason: FinishReason; model: string }
  | { kind: 'tool'; toolCallId: string; name: string; ok: boolean; output: string; images?: string[] };
