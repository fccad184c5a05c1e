import 'server-only';
import OpenAI from 'openai';
import type { FinishReason, ModelApi, StoredContent, Usage } from '@/lib/agent/protocol';
import { modelClient, type ModelConfig } from '@/server/model/config';
import { chatMessages, chatTools, responsesInput, responsesTools, SYSTEM_PROMPT } from '@/server/model/conversation';
import { AppError } from '@/lib/errors';
import { isAbort, retryDelayMs, StreamCutError } from '@/server/model/errors';

// One model call, streamed, for either API. Retries transient failures (429, 5xx, dropped
// connections) with backoff, but only while nothing has been streamed yet: once a token went out
// a failure is final, so the browser never sees (and never runs) a tool call twice.

export const MAX_RETRIES = 3;

export interface ModelCall {
  config: ModelConfig;
  api: ModelApi;
  model: string;
  history: StoredContent[];
  signal: AbortSignal;
  /** Awaited: the stream is read no faster than the browser takes the text. */
  onText: (delta: string) => void | Promise<void>;
  onRetry: (info: { attempt: number; delayMs: number; reason: string }) => void;
  /** Called once, when the model's first text (passed on) or tool call has arrived. */
  onStreaming?: () => void;
}

export interface RawToolCall {
  id: string;
  name: string;
  arguments: string;
}

export interface ModelAnswer {
  text: string;
  toolCalls: RawToolCall[];
  finishReason: FinishReason;
  usage: Usage | null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new OpenAI.APIUserAbortError());
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new OpenAI.APIUserAbortError());
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export async function callModel(call: ModelCall): Promise<ModelAnswer> {
  for (let attempt = 1; ; attempt++) {
    const progress = { streamed: false };
    try {
      return call.api === 'responses' ? await streamResponses(call, progress) : await streamChat(call, progress);
    } catch (error) {
      if (isAbort(error) || call.signal.aborted) throw new AppError('aborted:model', 'Stopped.');
      const delay = progress.streamed || attempt > MAX_RETRIES ? null : error instanceof StreamCutError ? 300 * attempt : retryDelayMs(error, attempt);
      if (delay === null) throw error;
      const reason = error instanceof OpenAI.APIError ? `HTTP ${error.status ?? '?'}` : 'connection lost';
      call.onRetry({ attempt, delayMs: Math.round(delay), reason });
      await sleep(delay, call.signal);
    }
  }
}

/** Iterates an SDK stream, turning a dropped connection into StreamCutError. */
async function* guarded<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (error) {
    if (isAbort(error) || error instanceof OpenAI.APIError || error instanceof AppError) throw error;
    throw new StreamCutError();
  }
}

async function streamChat(call: ModelCall, progress: { streamed: boolean }): Promise<ModelAnswer> {
  const client = modelClient(call.config);
  const stream = await client.chat.completions.create(
    {
      model: call.model,
      messages: chatMessages(call.history),
      tools: chatTools(),
      stream: true,
      stream_options: { include_usage: true },
    },
    { signal: call.signal },
  );
  let text = '';
  let announced = false;
  const calls: RawToolCall[] = [];
  let finish: string | null = null;
  let usage: Usage | null = null;
  for await (const chunk of guarded(stream)) {
    if (chunk.usage) usage = { promptTokens: chunk.usage.prompt_tokens, completionTokens: chunk.usage.completion_tokens };
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.delta.content) {
      progress.streamed = true;
      text += choice.delta.content;
      await call.onText(choice.delta.content);
    }
    for (const d of choice.delta.tool_calls ?? []) {
      progress.streamed = true;
      const slot = (calls[d.index] ??= { id: '', name: '', arguments: '' });
      if (d.id) slot.id = d.id;
      if (d.function?.name) slot.name += d.function.name;
      if (d.function?.arguments) slot.arguments += d.function.arguments;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
    // A streamed attempt is never retried, so once per call.
    if (progress.streamed && !announced) {
      announced = true;
      call.onStreaming?.();
    }
  }
  if (!finish) throw new StreamCutError();
  const toolCalls = calls.filter(Boolean).map((c, i) => ({ ...c, id: c.id || `call_${i}` }));
  const finishReason: FinishReason =
    finish === 'length' ? 'length' : finish === 'content_filter' ? 'content_filter' : toolCalls.length ? 'tool_calls' : 'stop';
  return { text, toolCalls, finishReason, usage };
}

async function streamResponses(call: ModelCall, progress: { streamed: boolean }): Promise<ModelAnswer> {
  const client = modelClient(call.config);
  const stream = await client.responses.create(
    { model: call.model, instructions: SYSTEM_PROMPT, input: responsesInput(call.history), tools: responsesTools(), stream: true },
    { signal: call.signal },
  );
  let text = '';
  let announced = false;
  const calls = new Map<number, RawToolCall>();
  let finishReason: FinishReason | null = null;
  let usage: Usage | null = null;
  for await (const event of guarded(stream)) {
    switch (event.type) {
      case 'response.output_text.delta':
        progress.streamed = true;
        text += event.delta;
        await call.onText(event.delta);
        break;
      case 'response.output_item.added':
      case 'response.output_item.done':
        if (event.item.type === 'function_call') {
          progress.streamed = true;
          const prior = calls.get(event.output_index);
          const args = event.type === 'response.output_item.done' ? event.item.arguments : (prior?.arguments ?? event.item.arguments);
          calls.set(event.output_index, { id: event.item.call_id, name: event.item.name, arguments: args });
        }
        break;
      case 'response.function_call_arguments.delta': {
        progress.streamed = true;
        const slot = calls.get(event.output_index);
        if (slot) slot.arguments += event.delta;
        break;
      }
      case 'response.completed':
      case 'response.incomplete': {
        const u = event.response.usage;
        if (u) usage = { promptTokens: u.input_tokens, completionTokens: u.output_tokens };
        const reason = event.response.incomplete_details?.reason;
        finishReason =
          event.type === 'response.incomplete' ? (reason === 'content_filter' ? 'content_filter' : 'length') : calls.size ? 'tool_calls' : 'stop';
        break;
      }
      case 'response.failed':
        throw new AppError('upstream:model', `The model failed: ${event.response.error?.message ?? 'unknown error'}`);
      case 'error':
        throw new AppError('upstream:model', `The model failed: ${event.message}`);
      default:
        break;
    }
    if (progress.streamed && !announced) {
      announced = true;
      call.onStreaming?.();
    }
  }
  if (!finishReason) throw new StreamCutError();
  const toolCalls = [...calls.entries()].sort(([a], [b]) => a - b).map(([, c]) => c);
  return { text, toolCalls, finishReason, usage };
}
