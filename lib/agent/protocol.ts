import { z } from 'zod';

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

// ---------------------------------------------------------------------------------------------
// Tools

const path = z.string().min(1).max(1024).describe('Workspace-relative path, e.g. "src/index.ts".');
const processId = z.string().min(1).max(200).describe('The id returned by start_process.');

export const toolArgSchemas = {
  list_files: z.object({
    path: z.string().max(1024).optional().describe('Folder to list (default: the workspace root).'),
    recursive: z.boolean().optional().describe('List everything below (skips node_modules, .git, build output).'),
  }),
  read_file: z.object({
    path,
    startLine: z.number().int().min(1).optional().describe('First line to read, 1-based.'),
    endLine: z.number().int().min(1).optional().describe('Last line to read, inclusive.'),
  }),
  write_file: z.object({ path, content: z.string().describe('The whole new content of the file.') }),
  edit_file: z.object({
    path,
    edits: z
      .array(
        z.object({
          search: z.string().min(1).describe('Exact text to find; must occur exactly once in the file.'),
          replace: z.string().describe('Text to put in its place.'),
        }),
      )
      .min(1)
      .max(50)
      .describe('Applied in order; the edit fails if a search text occurs zero or several times.'),
  }),
  delete_path: z.object({ path, recursive: z.boolean().optional().describe('Needed to delete a folder.') }),
  move_path: z.object({ from: path, to: path }),
  search_files: z.object({
    query: z.string().min(1).max(500).describe('Plain text to find (case-insensitive unless caseSensitive).'),
    path: z.string().max(1024).optional().describe('Folder to search in (default: everything).'),
    caseSensitive: z.boolean().optional(),
    maxResults: z.number().int().min(1).max(500).optional(),
  }),
  run_command: z.object({
    command: z.string().min(1).max(4000).describe('A shell command run in the workspace, e.g. "npm test".'),
    timeoutMs: z.number().int().min(1000).max(600_000).optional().describe('Default 120000.'),
  }),
  start_process: z.object({
    command: z.string().min(1).max(4000).describe('A long-running command such as "npm run dev".'),
  }),
  read_process_output: z.object({
    processId,
    tailLines: z.number().int().min(1).max(2000).optional().describe('Only the last N lines (default 200).'),
  }),
  stop_process: z.object({ processId }),
  preview_status: z.object({}),
  update_plan: z.object({
    items: z
      .array(
        z.object({
          title: z.string().min(1).max(300),
          status: z.enum(['pending', 'in_progress', 'done', 'cancelled']),
        }),
      )
      .max(50),
  }),
} as const;

export type ToolName = keyof typeof toolArgSchemas;
export const TOOL_NAMES = Object.keys(toolArgSchemas) as ToolName[];
export type ToolArgs<N extends ToolName> = z.infer<(typeof toolArgSchemas)[N]>;

export const toolDescriptions: Record<ToolName, string> = {
  list_files: 'List files and folders in the workspace.',
  read_file: 'Read a text file, optionally a range of lines. Lines are returned numbered.',
  write_file: 'Create or overwrite a file with the given content (parent folders are created).',
  edit_file: 'Edit a file with exact search/replace blocks. Prefer this over write_file for small changes.',
  delete_path: 'Delete a file, or a folder with recursive: true.',
  move_path: 'Move or rename a file or folder.',
  search_files: 'Search the workspace for text; returns path:line: preview.',
  run_command: 'Run a shell command and wait for it (with a timeout). Returns the exit code and the head and tail of the output.',
  start_process: 'Start a long-running process (a dev server) in the background; returns its processId.',
  read_process_output: 'Read recent output of a process started with start_process.',
  stop_process: 'Stop a process started with start_process.',
  preview_status: 'The preview: URL and port of the running dev server, and runtime errors collected from the page.',
  update_plan: 'Replace the task list shown to the user: short steps with statuses. Keep it current.',
};

/** JSON Schema per tool, as sent to the model. */
export function toolJsonSchema(name: ToolName): Record<string, unknown> {
  const schema = z.toJSONSchema(toolArgSchemas[name], { target: 'draft-7' }) as Record<string, unknown>;
  delete schema.$schema;
  return schema;
}

/** A tool call as the model produced it, checked against the tool's schema. */
export const toolCallSchema = z.object({
  id: z.string().min(1).max(200),
  name: z.string().max(200),
  /** The raw argument text from the model (kept so the conversation can be replayed verbatim). */
  arguments: z.string(),
  /** Present when the name is known and the arguments parse and validate. */
  args: z.record(z.string(), z.unknown()).optional(),
  /** Present instead of args: why the call is invalid (unknown tool, bad JSON, schema error). */
  error: z.string().optional(),
});
export type ToolCall = z.infer<typeof toolCallSchema>;

/** Parses and validates a model's tool call. Never throws. */
export function validateToolCall(call: { id: string; name: string; arguments: string }): ToolCall {
  if (!(call.name in toolArgSchemas)) {
    return { ...call, error: `Unknown tool "${call.name}". Available: ${TOOL_NAMES.join(', ')}.` };
  }
  let parsed: unknown;
  try {
    parsed = call.arguments.trim() === '' ? {} : JSON.parse(call.arguments);
  } catch {
    return { ...call, error: 'The arguments are not valid JSON.' };
  }
  const result = toolArgSchemas[call.name as ToolName].safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { ...call, error: `Invalid arguments for ${call.name}: ${problems}` };
  }
  return { ...call, args: result.data as Record<string, unknown> };
}

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
