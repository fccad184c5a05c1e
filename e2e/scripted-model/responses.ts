import type { PlannedAnswer } from './answer';

// OpenAI Responses API wire format: the streamed events (enough for text and function calls)
// and the non-streamed response object.

interface OutputItem {
  type: 'message' | 'function_call';
  [key: string]: unknown;
}

function responseObject(id: string, model: string, status: string, output: OutputItem[], answer?: PlannedAnswer) {
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status,
    model,
    output,
    parallel_tool_calls: true,
    tool_choice: 'auto',
    tools: [],
    error: null,
    incomplete_details: null,
    usage: answer
      ? {
          input_tokens: answer.usage.promptTokens,
          output_tokens: answer.usage.completionTokens,
          total_tokens: answer.usage.promptTokens + answer.usage.completionTokens,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens_details: { reasoning_tokens: 0 },
        }
      : null,
  };
}

function finalItems(answer: PlannedAnswer, msgId: string): OutputItem[] {
  const items: OutputItem[] = [];
  if (answer.text) {
    items.push({
      type: 'message',
      id: msgId,
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: answer.text, annotations: [] }],
    });
  }
  answer.calls.forEach((call, i) => {
    items.push({ type: 'function_call', id: `fc_${i}_${msgId}`, call_id: call.id, name: call.name, arguments: call.arguments, status: 'completed' });
  });
  return items;
}

export function responseBody(answer: PlannedAnswer, model: string) {
  const id = `resp_${Date.now().toString(36)}`;
  return responseObject(id, model, 'completed', finalItems(answer, `msg_${id}`), answer);
}

export function responseEvents(answer: PlannedAnswer, model: string): unknown[] {
  const id = `resp_${Date.now().toString(36)}`;
  const msgId = `msg_${id}`;
  const items = finalItems(answer, msgId);
  const events: Record<string, unknown>[] = [];
  const push = (type: string, body: Record<string, unknown>) => events.push({ type, ...body });
  push('response.created', { response: responseObject(id, model, 'in_progress', []) });
  push('response.in_progress', { response: responseObject(id, model, 'in_progress', []) });
  let outputIndex = 0;
  if (answer.text) {
    const item = items[0]!;
    push('response.output_item.added', { output_index: 0, item: { ...item, status: 'in_progress', content: [] } });
    const part = { type: 'output_text', text: '', annotations: [] };
    push('response.content_part.added', { item_id: msgId, output_index: 0, content_index: 0, part });
    for (const delta of answer.textChunks) {
      push('response.output_text.delta', { item_id: msgId, output_index: 0, content_index: 0, delta, logprobs: [] });
    }
    push('response.output_text.done', { item_id: msgId, output_index: 0, content_index: 0, text: answer.text, logprobs: [] });
    push('response.content_part.done', { item_id: msgId, output_index: 0, content_index: 0, part: { ...part, text: answer.text } });
    push('response.output_item.done', { output_index: 0, item });
    outputIndex = 1;
  }
  answer.calls.forEach((call, i) => {
    const item = items[outputIndex]!;
    const itemId = item.id as string;
    push('response.output_item.added', { output_index: outputIndex, item: { ...item, arguments: '', status: 'in_progress' } });
    for (const delta of call.argChunks) {
      push('response.function_call_arguments.delta', { item_id: itemId, output_index: outputIndex, delta });
    }
    push('response.function_call_arguments.done', { item_id: itemId, output_index: outputIndex, arguments: call.arguments, name: call.name });
    push('response.output_item.done', { output_index: outputIndex, item });
    outputIndex++;
    void i;
  });
  push('response.completed', { response: responseObject(id, model, 'completed', items, answer) });
  return events.map((e, sequence_number) => ({ ...e, sequence_number }));
}

/** The trailing input items of a responses request (after the last assistant output), for matching. */
export function responsesTrailing(input: unknown): { role: 'user' | 'tool' | 'other'; text: string; chars: number } {
  if (typeof input === 'string') return { role: 'user', text: input, chars: input.length };
  const list = Array.isArray(input) ? (input as Record<string, unknown>[]) : [];
  const isAssistant = (item: Record<string, unknown>) => item.role === 'assistant' || item.type === 'function_call';
  let start = list.length;
  while (start > 0 && !isAssistant(list[start - 1]!)) start--;
  const textOf = (item: Record<string, unknown>): string => {
    if (item.type === 'function_call_output') return typeof item.output === 'string' ? item.output : JSON.stringify(item.output);
    const content = item.content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) return content.map((p: { text?: unknown }) => (typeof p?.text === 'string' ? p.text : '')).join('');
    return '';
  };
  const trailing = list.slice(start);
  const last = trailing.at(-1);
  const role = !last ? 'other' : last.type === 'function_call_output' ? 'tool' : last.role === 'user' ? 'user' : 'other';
  return { role, text: trailing.map(textOf).join('\n'), chars: list.reduce((n, item) => n + textOf(item).length, 0) };
}
