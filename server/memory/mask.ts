import 'server-only';
import type { StoredContent, ToolCall } from '@/lib/agent/protocol';
import type { MemoryMessage } from '@/server/memory/types';

// Observation masking: tool outputs older than the last K turns (a turn = one assistant message and
// the tool results answering it) become a one-line placeholder, long string arguments of those
// turns' tool calls (whole files in write_file) are cut, and images of older user messages are named
// instead of sent. The model keeps what it did, not the bulk.

export const DEFAULT_KEEP_TURNS = 4;
const ARGS_PREVIEW = 120;
const ARG_STRING_KEEP = 160;

type ToolResult = Extract<StoredContent, { kind: 'tool' }>;
type Assistant = Extract<StoredContent, { kind: 'assistant' }>;

function size(text: string): string {
  const bytes = Buffer.byteLength(text);
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} kB`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

/** run_command answers "$ cmd\nexit code N…": the code, when there is one. */
function exitCode(result: ToolResult): string {
  const m = /^exit code (-?\d+|null)/m.exec(result.output.slice(0, 4096));
  return m ? `exit ${m[1]}` : result.ok ? 'ok' : 'failed';
}

/** The placeholder for a masked tool output: tool, arguments (cut), outcome, size. One line. */
export function placeholder(result: ToolResult, call: ToolCall | undefined): string {
  const args = call ? oneLine(call.arguments, ARGS_PREVIEW) : '';
  return `[output masked: ${result.name} ${args} → ${exitCode(result)}, ${size(result.output)}; run it again if you need it]`;
}

/** A tool call with long string arguments shortened (the JSON stays valid when it was). */
export function elideArguments(call: ToolCall): ToolCall {
  if (call.arguments.length <= ARGS_PREVIEW * 2) return call;
  if (!call.args) return { ...call, arguments: `${call.arguments.slice(0, ARGS_PREVIEW * 2)}…` };
  const shortened = shortenDeep(call.args);
  return { ...call, arguments: JSON.stringify(shortened) };
}

function shortenDeep(value: unknown): unknown {
  if (typeof value === 'string') return value.length > ARG_STRING_KEEP ? `${value.slice(0, ARG_STRING_KEEP)}… [${size(value)} elided]` : value;
  if (Array.isArray(value)) return value.map(shortenDeep);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, shortenDeep(v)]));
  return value;
}

/**
 * Index of the first message of the last `keepTurns` turns, with the user message(s) that led to the
 * first of them (messages.length when keepTurns is 0).
 */
export function recentStart(messages: readonly MemoryMessage[], keepTurns: number): number {
  if (keepTurns <= 0) return messages.length;
  let seen = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]!.content.kind !== 'assistant' || ++seen < keepTurns) continue;
    while (i > 0 && messages[i - 1]!.content.kind === 'user') i--;
    return i;
  }
  return 0;
}

/** Masks tool outputs and long arguments before the last `keepTurns` turns. Never mutates its input. */
export function maskObservations(messages: readonly MemoryMessage[], keepTurns = DEFAULT_KEEP_TURNS): MemoryMessage[] {
  const keepFrom = recentStart(messages, keepTurns);
  const calls = new Map<string, ToolCall>();
  return messages.map((m, i) => {
    const c = m.content;
    if (c.kind === 'assistant') {
      for (const call of c.toolCalls) calls.set(call.id, call);
      if (i >= keepFrom || !c.toolCalls.length) return m;
      const content: Assistant = { ...c, toolCalls: c.toolCalls.map(elideArguments) };
      return { ...m, content };
    }
    if (c.kind === 'user') {
      if (i >= keepFrom || !c.images?.length) return m;
      // Each image costs ~1,100 tokens (count.ts); older ones are named, not sent again.
      return { ...m, content: { kind: 'user', text: `${c.text}\n[${c.images.length} image(s) attached earlier, not shown again]` } };
    }
    if (c.kind !== 'tool' || i >= keepFrom) return m;
    // An older tool's image (a screenshot) is dropped with its output.
    return { ...m, content: { kind: 'tool', toolCallId: c.toolCallId, name: c.name, ok: c.ok, output: placeholder(c, calls.get(c.toolCallId)) } };
  });
}
