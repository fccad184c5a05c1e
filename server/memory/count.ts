import 'server-only';
import { createHash } from 'node:crypto';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import type OpenAI from 'openai';
import type { StoredContent } from '@/lib/agent/protocol';
import { chatMessageGroups, SYSTEM_PROMPT } from '@/server/model/conversation';

// Token counts for what is actually sent: the chat messages after conversation.ts has shaped them,
// counted with o200k_base (the encoding of gpt-4o, gpt-4.1, o-series and gpt-5). Other model
// families tokenize differently; o200k is the yardstick for all of them, and the threshold keeps
// a margin (see windows.ts).

/** Per message: role and separators, as OpenAI documents for its chat format. */
export const MESSAGE_OVERHEAD = 3;
/** The reply is primed with <|start|>assistant<|message|>. */
export const REPLY_OVERHEAD = 3;
/** Per tool call in an assistant message: id, type and the function wrapper. */
export const TOOL_CALL_OVERHEAD = 8;

/**
 * Images are not decoded. The rule is OpenAI's tile rule applied to a typical 16:9 screenshot:
 * at detail auto/high it is scaled to 1365×768, 6 tiles of 512 px × 170 + 85 = 1,105 tokens;
 * at detail low a flat 85. Smaller images cost less with OpenAI, so this over-counts, which is
 * the safe side for a budget.
 */
export const IMAGE_TOKENS = { low: 85, high: 1105 } as const;

// Text from tools and files may contain special-token markers such as <|endoftext|>; they count as
// the plain text they are (gpt-tokenizer throws on them by default, which would fail the turn).
const PLAIN = { disallowedSpecial: new Set<string>() };

// Counting is ~1 M tokens/s here and every turn re-counts the whole prompt: without this a 300k-token
// conversation held the server's thread for 0.3–0.9 s per turn. Long texts are remembered by hash
// (20 bytes each); the map is simply emptied when full.
const counted = new Map<string, number>();
const CACHE_ENTRIES = 20_000;
const CACHE_FROM_CHARS = 256;

export function countText(text: string): number {
  if (!text) return 0;
  if (text.length < CACHE_FROM_CHARS) return countTokens(text, PLAIN);
  const key = createHash('sha1').update(text).digest('base64');
  const known = counted.get(key);
  if (known !== undefined) return known;
  const n = countTokens(text, PLAIN);
  if (counted.size >= CACHE_ENTRIES) counted.clear();
  counted.set(key, n);
  return n;
}

type Part = OpenAI.ChatCompletionContentPart | OpenAI.ChatCompletionContentPartText | OpenAI.ChatCompletionContentPartRefusal;

function countPart(part: Part): number {
  switch (part.type) {
    case 'text':
      return countText(part.text);
    case 'image_url':
      return part.image_url.detail === 'low' ? IMAGE_TOKENS.low : IMAGE_TOKENS.high;
    case 'refusal':
      return countText(part.refusal);
    default:
      // audio and files are never sent by the agent; count their JSON so nothing is free
      return countText(JSON.stringify(part));
  }
}

function countContent(content: string | readonly Part[] | null | undefined): number {
  if (!content) return 0;
  if (typeof content === 'string') return countText(content);
  let n = 0;
  for (const part of content) n += countPart(part);
  return n;
}

/** One chat message, with its overhead. */
export function countMessage(message: OpenAI.ChatCompletionMessageParam): number {
  let n = MESSAGE_OVERHEAD + countContent(message.content as string | Part[] | null | undefined);
  if (message.role === 'assistant' && message.tool_calls) {
    for (const call of message.tool_calls) {
      n += TOOL_CALL_OVERHEAD;
      if (call.type === 'function') n += countText(call.function.name) + countText(call.function.arguments);
    }
  }
  return n;
}

/** A whole prompt: the messages plus the reply priming. */
export function countMessages(messages: readonly OpenAI.ChatCompletionMessageParam[]): number {
  let n = REPLY_OVERHEAD;
  for (const m of messages) n += countMessage(m);
  return n;
}

/** The tool definitions as sent (their JSON); counted once per configuration by the caller. */
export function countTools(tools: readonly OpenAI.ChatCompletionTool[]): number {
  return tools.length ? countText(JSON.stringify(tools)) : 0;
}

/**
 * The tokens of one stored message's own prompt message (chatMessageGroups: without the images a tool run
 * carries after its last result), which depends on that message alone: counted once when the row is
 * written and stored beside it (message.tokens), so a turn sums the conversation instead of re-counting it.
 */
export function countStored(content: StoredContent): number {
  return countMessage(chatMessageGroups([content])[0]![0]!);
}

let systemTokens: number | undefined;
/** The system prompt's message (the same for every call). */
export const countSystem = () => (systemTokens ??= countMessage({ role: 'system', content: SYSTEM_PROMPT }));
