import type { PlannedAnswer } from './answer';

// OpenAI Chat Completions wire format: the chunks of a streamed answer and the non-streamed body.

interface ChunkContext {
  id: string;
  model: string;
  created: number;
}

function chunk(ctx: ChunkContext, delta: Record<string, unknown>, finishReason: string | null = null) {
  return {
    id: ctx.id,
    object: 'chat.completion.chunk',
    created: ctx.created,
    model: ctx.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

export function chatChunks(answer: PlannedAnswer, model: string, includeUsage: boolean): unknown[] {
  const ctx = { id: `chatcmpl-${Date.now().toString(36)}`, model, created: Math.floor(Date.now() / 1000) };
  const out: unknown[] = [chunk(ctx, { role: 'assistant', content: '' })];
  for (const text of answer.textChunks) out.push(chunk(ctx, { content: text }));
  answer.calls.forEach((call, index) => {
    out.push(chunk(ctx, { tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }));
    for (const part of call.argChunks) out.push(chunk(ctx, { tool_calls: [{ index, function: { arguments: part } }] }));
  });
  out.push(chunk(ctx, {}, answer.calls.length ? 'tool_calls' : 'stop'));
  if (includeUsage) {
    out.push({ ...chunk(ctx, {}), choices: [], usage: usageBody(answer) });
  }
  return out;
}

function usageBody(answer: PlannedAnswer) {
  const { promptTokens, completionTokens } = answer.usage;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

export function chatCompletionBody(answer: PlannedAnswer, model: string) {
  return {
    id: `chatcmpl-${Date.now().toString(36)}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: answer.text || null,
          refusal: null,
          ...(answer.calls.length
            ? { tool_calls: answer.calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) }
            : {}),
        },
        logprobs: null,
        finish_reason: answer.calls.length ? 'tool_calls' : 'stop',
      },
    ],
    usage: usageBody(answer),
  };
}

/** The trailing messages of a chat request (after the last assistant message), for scenario matching. */
export function chatTrailing(messages: unknown): { role: 'user' | 'tool' | 'other'; text: string; chars: number } {
  const list = Array.isArray(messages) ? (messages as { role?: string; content?: unknown }[]) : [];
  let start = list.length;
  while (start > 0 && list[start - 1]?.role !== 'assistant') start--;
  const trailing = list.slice(start);
  const text = trailing.map((m) => contentText(m.content)).join('\n');
  const last = trailing.at(-1)?.role;
  const chars = list.reduce((n, m) => n + contentText(m.content).length, 0);
  return { role: last === 'user' || last === 'tool' ? last : 'other', text, chars };
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
  }
  return '';
}
