import type { PlanItem } from '@/lib/agent/environment';
import type { Decision } from '@/lib/agent/policy';
import type { StoredContent, ToolCall, TurnEvent, Usage } from '@/lib/agent/protocol';
import type { ToolStatus } from '@/lib/agent/runner';
import type { ToolDetail } from '@/lib/agent/tools';

// The conversation as the panel shows it: messages with their tool cards. Built from the stored
// messages (chat.messages) on load and after every run, and updated live while a run streams.

export interface UserItem {
  kind: 'user';
  /** null until the server's copy is loaded (edit-and-resend needs it). */
  id: string | null;
  text: string;
  images?: string[];
  /** Sent by the automatic checks, not typed by the user. */
  auto?: boolean;
}

export interface AssistantItem {
  kind: 'assistant';
  id: string | null;
  text: string;
  callIds: string[];
  usage?: Usage;
  model?: string;
  streaming?: boolean;
}

/** "Context compacted: 182k → 21k tokens": older turns were summarized (version) or left out (version null). */
export interface CompactionItem {
  kind: 'compaction';
  id: string | null;
  before: number;
  after: number;
  version: number | null;
  notice: string | null;
}

export type ChatItem = UserItem | AssistantItem | CompactionItem;

/** A stored compaction, as chat.messages returns it. */
export interface StoredCompaction {
  version: number;
  tokensBefore: number;
  tokensAfter: number;
  notice: string | null;
  createdAt: Date;
}

/** 950, 9.5k, 21k, 1.0M: token counts as the meter and the notices show them. */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n);
  if (n < 10_000) return `${(n / 1000).toFixed(1)}k`;
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`;
  return `${(n / 1_000_000).toFixed(1)}M`;
}

function compactionItem(c: StoredCompaction): CompactionItem {
  return { kind: 'compaction', id: `compaction-${c.version}`, before: c.tokensBefore, after: c.tokensAfter, version: c.version, notice: c.notice };
}

export interface ToolCard {
  id: string;
  name: string;
  /** The validated arguments (absent when the call was invalid). */
  args?: Record<string, unknown>;
  status: ToolStatus;
  output?: string;
  detail?: ToolDetail;
  /** Why it asked or was refused. */
  reason?: string;
  dangerous?: boolean;
}

export interface StoredMessage {
  id: string;
  content: StoredContent;
  usage?: Usage | null;
  /** Places compactions between messages (they are shown where they happened). */
  createdAt?: Date;
}

export const AUTO_PREFIX = '[Automatic check ';

export function itemsFromHistory(
  messages: readonly StoredMessage[],
  compactions: readonly StoredCompaction[] = [],
): { items: ChatItem[]; cards: Record<string, ToolCard> } {
  const items: ChatItem[] = [];
  const cards: Record<string, ToolCard> = {};
  let next = 0;
  for (const m of messages) {
    while (next < compactions.length && m.createdAt && compactions[next]!.createdAt < m.createdAt) items.push(compactionItem(compactions[next++]!));
    const c = m.content;
    if (!c || typeof c !== 'object') continue;
    if (c.kind === 'user') items.push({ kind: 'user', id: m.id, text: c.text, ...(c.images?.length ? { images: c.images } : {}), ...(c.text.startsWith(AUTO_PREFIX) ? { auto: true } : {}) });
    else if (c.kind === 'assistant') {
      for (const call of c.toolCalls) cards[call.id] = cardFor(call);
      items.push({ kind: 'assistant', id: m.id, text: c.text, callIds: c.toolCalls.map((t) => t.id), model: c.model, ...(m.usage ? { usage: m.usage } : {}) });
    } else if (c.kind === 'tool') {
      const card = cards[c.toolCallId];
      if (card) cards[c.toolCallId] = { ...card, status: statusOfResult(c.ok, c.output), output: c.output };
    }
  }
  while (next < compactions.length) items.push(compactionItem(compactions[next++]!));
  // Calls never answered (the page closed mid-run) show as not run.
  for (const id of Object.keys(cards)) if (cards[id]!.status === 'queued') cards[id] = { ...cards[id]!, status: 'skipped' };
  return { items, cards };
}

export function cardFor(call: ToolCall): ToolCard {
  return { id: call.id, name: call.name, ...(call.args ? { args: call.args } : {}), status: call.error ? 'failed' : 'queued', ...(call.error ? { output: call.error } : {}) };
}

function statusOfResult(ok: boolean, output: string): ToolStatus {
  if (ok) return 'done';
  if (output.startsWith('Not allowed:')) return 'denied';
  if (output.startsWith('Not run:') || output.startsWith('The user chose not to run')) return 'skipped';
  return 'failed';
}

/** Applies a live status change, keeping what the card already knew. */
export function updateCard(card: ToolCard, status: ToolStatus, extra?: { decision?: Decision; outcome?: { output: string; detail?: ToolDetail } }): ToolCard {
  const next: ToolCard = { ...card, status };
  if (extra?.decision && extra.decision.action !== 'allow') {
    next.reason = extra.decision.reason;
    if (extra.decision.action === 'ask') next.dangerous = extra.decision.dangerous;
  }
  if (extra?.outcome) {
    next.output = extra.outcome.output;
    if (extra.outcome.detail) next.detail = extra.outcome.detail;
  }
  return next;
}

/** The conversation after one streamed event: the answer being written is the last, streaming item. */
export function streamEvent(items: ChatItem[], event: TurnEvent): ChatItem[] {
  const last = items[items.length - 1];
  const live = last?.kind === 'assistant' && last.streaming ? last : null;
  const base = live ? items.slice(0, -1) : items;
  const current: AssistantItem = live ?? { kind: 'assistant', id: null, text: '', callIds: [], streaming: true };
  switch (event.type) {
    case 'start':
      return live ? items : [...items, current];
    case 'text':
      return [...base, { ...current, text: current.text + event.delta }];
    case 'tool_calls':
      return [...base, { ...current, id: event.messageId, callIds: event.calls.map((c) => c.id) }];
    case 'usage':
      return live ? [...base, { ...live, usage: event.usage }] : items;
    case 'done':
      return live ? [...base, { ...live, id: event.messageId || live.id, streaming: false }] : items;
    case 'error':
      return endStreaming(items);
    case 'compacted': {
      const item: CompactionItem = { kind: 'compaction', id: null, before: event.before, after: event.after, version: event.version, notice: event.notice };
      // Before the answer that is starting: the compaction happened before its model call.
      return live ? [...base, item, live] : [...items, item];
    }
    default:
      return items;
  }
}

export function endStreaming(items: ChatItem[]): ChatItem[] {
  const last = items[items.length - 1];
  return last?.kind === 'assistant' && last.streaming ? [...items.slice(0, -1), { ...last, streaming: false }] : items;
}

/** A one-line title for a card: what the call does, from its arguments. */
export function cardTitle(card: Pick<ToolCard, 'name' | 'args'>): string {
  const a = card.args ?? {};
  const s = (k: string) => (typeof a[k] === 'string' ? (a[k] as string) : '');
  switch (card.name) {
    case 'run_command':
    case 'start_process':
      return `$ ${s('command')}`;
    case 'read_file': {
      const range = a.startLine ? ` (lines ${a.startLine}–${a.endLine ?? 'end'})` : '';
      return `Read ${s('path')}${range}`;
    }
    case 'write_file':
      return `Write ${s('path')}`;
    case 'edit_file':
      return `Edit ${s('path')}`;
    case 'delete_path':
      return `Delete ${s('path')}`;
    case 'move_path':
      return `Move ${s('from')} → ${s('to')}`;
    case 'list_files':
      return `List ${s('path') || 'files'}`;
    case 'search_files':
      return `Search "${s('query')}"`;
    case 'read_process_output':
      return `Output of ${s('processId')}`;
    case 'stop_process':
      return `Stop ${s('processId')}`;
    case 'preview_status':
      return 'Check the preview';
    case 'update_plan':
      return 'Update the plan';
    case 'remember':
      return `Remember: ${s('text')}`;
    default:
      return card.name;
  }
}

export function addUsage(a: Usage, b: Usage): Usage {
  return { promptTokens: a.promptTokens + b.promptTokens, completionTokens: a.completionTokens + b.completionTokens };
}

export const NO_USAGE: Usage = Object.freeze({ promptTokens: 0, completionTokens: 0 });

export type { PlanItem };
