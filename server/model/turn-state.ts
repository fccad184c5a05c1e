import 'server-only';
import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { appendMessages, renameChat, setMessageTokens } from '@/db/queries/chats';
import type { TurnMessageRow } from '@/db/queries/turn-facts';
import type { Chat, Message } from '@/db/schema';
import { AGENT_LIMITS, TRUNCATION_MARKER, validateToolCall, type StoredContent, type ToolCall, type TurnInput } from '@/lib/agent/protocol';
import { AppError } from '@/lib/errors';
import { countStored } from '@/server/memory/count';
import type { MemoryMessage } from '@/server/memory/types';
import { storeChatImages } from '@/server/model/images';

// Where a chat stands before a model call, and what a turn request appends to it. Keeps the stored
// conversation valid for both APIs: every tool call of an assistant message gets exactly one result.

/** Keeps the head and the tail of a long output, with a marker between. */
export function truncateOutput(text: string, max: number = AGENT_LIMITS.maxToolResultChars): string {
  if (text.length <= max) return text;
  const keep = max - TRUNCATION_MARKER.length;
  const head = Math.ceil(keep * 0.6);
  return `${text.slice(0, head)}${TRUNCATION_MARKER}${text.slice(text.length - (keep - head))}`;
}

/**
 * The model's calls made safe to store: validated, ids unique within the answer (some servers
 * repeat or omit them), and calls beyond what one tool_results request may carry marked invalid
 * (the server answers those itself).
 */
export function normalizeCalls(raw: { id: string; name: string; arguments: string }[]): ToolCall[] {
  const seen = new Set<string>();
  return raw.map((call, i) => {
    let id = call.id || `call_${i}`;
    if (seen.has(id)) id = `${id}_${i}`;
    seen.add(id);
    const checked = validateToolCall({ ...call, id });
    if (i < AGENT_LIMITS.maxToolResults) return checked;
    return { id, name: call.name, arguments: call.arguments, error: `Too many tool calls in one answer (at most ${AGENT_LIMITS.maxToolResults}); this one was not run.` };
  });
}

/** Tool calls of the last assistant message that have no result yet. */
export function pendingCalls(history: StoredContent[]): ToolCall[] {
  let i = history.length - 1;
  const answered = new Set<string>();
  while (i >= 0 && history[i]!.kind === 'tool') {
    answered.add((history[i] as Extract<StoredContent, { kind: 'tool' }>).toolCallId);
    i--;
  }
  const last = history[i];
  if (!last || last.kind !== 'assistant') return [];
  return last.toolCalls.filter((c) => !answered.has(c.id));
}

/** Model calls since the last user message. */
export function stepsSinceUser(history: StoredContent[]): number {
  let steps = 0;
  for (let i = history.length - 1; i >= 0 && history[i]!.kind !== 'user'; i--) {
    if (history[i]!.kind === 'assistant') steps++;
  }
  return steps;
}

function toolRow(call: ToolCall, ok: boolean, output: string, images?: string[]): StoredContent {
  return { kind: 'tool', toolCallId: call.id, name: call.name, ok, output: truncateOutput(output), ...(images?.length ? { images } : {}) };
}

function newRows(history: StoredContent[], input: TurnInput): StoredContent[] {
  const pending = pendingCalls(history);
  if (input.kind === 'user') {
    if (!input.text.trim() && !input.images?.length) throw new AppError('bad_request:chat', 'The message is empty.');
    // The user moved on without running them (stopped, or declined): say so, keep the history valid.
    const skipped = pending.map((c) => toolRow(c, false, c.error ?? 'Not run: the user stopped the turn and sent a new message.'));
    return [...skipped, { kind: 'user', text: input.text, ...(input.images?.length ? { images: input.images } : {}) }];
  }
  if (input.kind === 'resume') {
    // Calls the browser does not answer (invalid ones) get their error; any other pending call blocks.
    if (pending.some((c) => !c.error)) throw new AppError('bad_request:chat', `Tool calls are waiting for results: ${pending.map((c) => c.id).join(', ')}.`);
    const last = history.at(-1);
    if (pending.length) return pending.map((c) => toolRow(c, false, c.error!));
    if (!last || last.kind === 'assistant') throw new AppError('bad_request:chat', 'Nothing to resume: the last answer is complete.');
    return [];
  }
  if (!pending.length) throw new AppError('bad_request:chat', 'No tool calls are waiting for results.');
  const byId = new Map(pending.map((c) => [c.id, c]));
  const given = new Map<string, { ok: boolean; output: string; images?: string[] }>();
  for (const r of input.results) {
    if (!byId.has(r.toolCallId)) throw new AppError('bad_request:chat', `No pending tool call has the id "${r.toolCallId}".`);
    if (given.has(r.toolCallId)) throw new AppError('bad_request:chat', `Two results for the tool call "${r.toolCallId}".`);
    given.set(r.toolCallId, r);
  }
  const missing = pending.filter((c) => !given.has(c.id) && !c.error);
  if (input.stop) {
    // Stopped while tools ran: what did not run is recorded as such; the model is not called.
    for (const c of missing) given.set(c.id, { ok: false, output: 'Not run: the user pressed Stop.' });
  } else if (missing.length) throw new AppError('bad_request:chat', `Missing results for the tool calls: ${missing.map((c) => c.id).join(', ')}.`);
  // Invalid calls (unknown tool, bad arguments) are answered by the server when the browser does not.
  return pending.map((c) => {
    const r = given.get(c.id);
    return r ? toolRow(c, r.ok, r.output, r.images) : toolRow(c, false, c.error!);
  });
}

export interface TurnPlan {
  history: StoredContent[];
  /** What the request appends to the stored messages (user message or tool results). */
  rows: StoredContent[];
  /** This model call's number since the last user message (1-based). */
  step: number;
  /** Past the step limit: the rows are stored, the model is not called. */
  overLimit: boolean;
}

/** Works out, from the stored messages, what the request appends and the conversation for the model. */
export function planTurn(stored: StoredContent[], input: TurnInput, maxSteps: number): TurnPlan {
  const rows = newRows(stored, input);
  const history = [...stored, ...rows];
  const done = stepsSinceUser(history);
  return { history, rows, step: done + 1, overLimit: done >= maxSteps && !(input.kind === 'tool_results' && input.stop) };
}

export interface PreparedTurn {
  history: StoredContent[];
  /** The same conversation with row ids (the request's rows get theirs before they are stored), for server/memory. */
  messages: MemoryMessage[];
  /** This model call's number since the last user message (1-based). */
  step: number;
  /** Stores what the request brought (returns the rows). */
  commit: () => Promise<Message[]>;
}

/** The request with its images (a user message's, a tool's screenshot) checked, stored, and replaced by references. */
async function storeInputImages(db: Db, input: TurnInput): Promise<TurnInput> {
  if (input.kind === 'user') return input.images?.length ? { ...input, images: await storeChatImages(db, input.images) } : input;
  if (input.kind !== 'tool_results' || !input.results.some((r) => r.images?.length)) return input;
  const results = [];
  for (const r of input.results) results.push(r.images?.length ? { ...r, images: await storeChatImages(db, r.images) } : r);
  return { ...input, results };
}

/**
 * Plans the turn (planTurn) and binds the commit. Refuses a request that does not fit the chat's
 * state, and past the step limit (after storing the tool results, so the conversation stays whole).
 */
export async function prepareTurn(
  db: Db,
  chat: Chat,
  /** The chat's messages, oldest first (read with the turn's other facts). */
  storedRows: TurnMessageRow[],
  input: TurnInput,
  maxSteps: number,
): Promise<PreparedTurn> {
  const stored = storedRows.map((m) => m.content) as StoredContent[];
  // Images are checked and stored before anything else; the message keeps references to them (the
  // prompt gets them back as data URLs once memory has assembled it: server/model/turn.ts).
  const checked = await storeInputImages(db, input);
  const { rows, history, step, overLimit } = planTurn(stored, checked, maxSteps);
  // Every message's tokens are counted once: the request's here, rows stored without a count now (stored with the commit).
  const fresh = rows.map((content) => ({ id: randomUUID(), content, tokens: countStored(content) }));
  const backfill: { id: string; tokens: number }[] = [];
  const known = storedRows.map((m): MemoryMessage => {
    const content = m.content as StoredContent;
    if (m.tokens !== null) return { id: m.id, content, tokens: m.tokens };
    const tokens = countStored(content);
    backfill.push({ id: m.id, tokens });
    return { id: m.id, content, tokens };
  });
  const messages: MemoryMessage[] = [...known, ...fresh];
  const commit = async () => {
    let inserted: Message[];
    try {
      // Planned on the messages read before the chat's lock: refused if any were added or removed since.
      const afterSeq = storedRows.at(-1)?.seq ?? 0;
      inserted = await appendMessages(db, chat.id, fresh.map(({ id, content, tokens }) => ({ id, role: content.kind, content, tokens })), { afterSeq });
    } catch {
      throw new AppError('bad_request:chat', 'Another turn changed this chat at the same time. Reload the chat and try again.');
    }
    if (backfill.length) await setMessageTokens(db, chat.id, backfill);
    if (input.kind === 'user' && chat.title === 'New chat' && !stored.some((m) => m.kind === 'user')) {
      const title = input.text.trim().split('\n')[0]!.slice(0, 60) || 'Image';
      await renameChat(db, chat.projectId, chat.id, title);
    }
    return inserted;
  };
  if (overLimit) {
    await commit();
    throw new AppError('budget:chat', `The agent stopped after ${maxSteps} steps. Send a message to let it continue.`);
  }
  return { history, messages, step, commit };
}
