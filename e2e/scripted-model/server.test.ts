import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startScriptedModel, type ScriptedModel } from './server';

// The official openai SDK against the scripted server: proves it speaks the protocol we test with.
let model: ScriptedModel;
let client: OpenAI;

beforeAll(async () => {
  model = await startScriptedModel({ apiKey: 'sk-test', models: ['scripted-model', 'other'] });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: model.baseURL, maxRetries: 0 });
});
afterAll(() => model.close());
beforeEach(() => model.reset());

const user = (content: string) => [{ role: 'user' as const, content }];

describe('scripted model with the openai SDK', () => {
  it('streams text in several chunks with usage in the last chunk', async () => {
    model.load({ name: 't', steps: [{ text: 'Hello there, streaming world', chunkChars: 5, usage: { promptTokens: 11, completionTokens: 7 } }] });
    const stream = await client.chat.completions.create({ model: 'scripted-model', messages: user('hi'), stream: true, stream_options: { include_usage: true } });
    const deltas: string[] = [];
    let usage: OpenAI.CompletionUsage | undefined;
    let finish: string | null = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (choice?.delta.content) deltas.push(choice.delta.content);
      if (choice?.finish_reason) finish = choice.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(deltas.length).toBeGreaterThan(3);
    expect(deltas.join('')).toBe('Hello there, streaming world');
    expect(finish).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 });
    expect(model.requests()[0]).toMatchObject({ path: '/v1/chat/completions', authorization: 'Bearer sk-test', status: 200, step: 0 });
  });

  it('streams tool calls split over chunks that the SDK reassembles', async () => {
    model.load({
      name: 't',
      steps: [{ text: 'Reading.', toolCalls: [{ id: 'call_a', name: 'read_file', arguments: { path: 'src/index.ts', startLine: 1 } }, { name: 'list_files' }], argChunkChars: 4 }],
    });
    const stream = client.chat.completions.stream({ model: 'scripted-model', messages: user('read it') });
    let argDeltas = 0;
    stream.on('chunk', (c) => (argDeltas += c.choices[0]?.delta.tool_calls?.length ?? 0));
    const final = await stream.finalChatCompletion();
    const msg = final.choices[0]!.message;
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(msg.content).toBe('Reading.');
    expect(msg.tool_calls?.map((c) => c.type === 'function' && [c.id, c.function.name, JSON.parse(c.function.arguments)])).toEqual([
      ['call_a', 'read_file', { path: 'src/index.ts', startLine: 1 }],
      [expect.stringMatching(/^call_/), 'list_files', {}],
    ]);
    expect(argDeltas).toBeGreaterThan(6);
  });

  it('answers without streaming', async () => {
    model.load({ name: 't', steps: [{ toolCalls: [{ id: 'c1', name: 'run_command', arguments: { command: 'npm test' } }] }] });
    const res = await client.chat.completions.create({ model: 'scripted-model', messages: user('test') });
    expect(res.choices[0]!.message.tool_calls?.[0]).toMatchObject({ id: 'c1', function: { name: 'run_command', arguments: '{"command":"npm test"}' } });
    expect(res.usage?.total_tokens).toBeGreaterThan(0);
  });

  it('speaks the Responses API: streamed text and function calls', async () => {
    model.load({ name: 't', steps: [{ text: 'Let me look.', toolCalls: [{ id: 'call_r', name: 'read_file', arguments: { path: 'a.ts' } }], usage: { promptTokens: 5, completionTokens: 3 } }] });
    const stream = client.responses.stream({ model: 'scripted-model', input: 'look at a.ts' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe('Let me look.');
    expect(final.output_text).toBe('Let me look.');
    const call = final.output.find((o) => o.type === 'function_call');
    expect(call).toMatchObject({ call_id: 'call_r', name: 'read_file', arguments: '{"path":"a.ts"}' });
    expect(final.usage).toMatchObject({ input_tokens: 5, output_tokens: 3 });
    const plain = await client.responses.create({ model: 'scripted-model', input: [{ role: 'user', content: 'again' }] }).catch((e: Error) => e);
    expect(plain).toMatchObject({ status: 409 }); // the scenario had one step
  });

  it('answers 429 with retry-after, then succeeds: the SDK retries', async () => {
    model.load({ name: 't', steps: [{ text: 'ok', fault: { status: 429, times: 2, retryAfterMs: 20 } }] });
    const retrying = new OpenAI({ apiKey: 'sk-test', baseURL: model.baseURL, maxRetries: 3 });
    const res = await retrying.chat.completions.create({ model: 'scripted-model', messages: user('x') });
    expect(res.choices[0]!.message.content).toBe('ok');
    expect(model.requests().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('gives 500s, bad keys and unknown models as SDK errors', async () => {
    model.load({ name: 't', steps: [{ text: 'never', fault: { status: 500, times: 1 } }] });
    await expect(client.chat.completions.create({ model: 'scripted-model', messages: user('x') })).rejects.toBeInstanceOf(OpenAI.InternalServerError);
    const badKey = new OpenAI({ apiKey: 'wrong', baseURL: model.baseURL, maxRetries: 0 });
    await expect(badKey.chat.completions.create({ model: 'scripted-model', messages: user('x') })).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(client.chat.completions.create({ model: 'nope', messages: user('x') })).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
  });

  it('cuts a stream mid-answer: the SDK iteration fails', async () => {
    model.load({ name: 't', steps: [{ text: 'a long answer that gets cut', chunkChars: 2, cutAfterChunks: 3 }] });
    const stream = await client.chat.completions.create({ model: 'scripted-model', messages: user('x'), stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) seen.push(chunk.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toThrow();
    expect(seen.join('')).toBe('a lo'); // the role chunk, then two text chunks
  });

  it('picks steps by a condition on the trailing messages', async () => {
    model.load({
      name: 't',
      steps: [
        { name: 'on failure', match: { role: 'tool', contains: 'failed' }, text: 'fixing' },
        { name: 'on success', match: { role: 'tool', notContains: 'failed' }, text: 'done' },
      ],
    });
    const convo = (output: string): OpenAI.ChatCompletionMessageParam[] => [
      { role: 'user', content: 'test it' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'run_command', arguments: '{}' } }] },
      { role: 'tool', tool_call_id: 'c', content: output },
    ];
    const passed = await client.chat.completions.create({ model: 'scripted-model', messages: convo('1 passed') });
    expect(passed.choices[0]!.message.content).toBe('done');
    model.reset();
    const failed = await client.chat.completions.create({ model: 'scripted-model', messages: convo('1 failed') });
    expect(failed.choices[0]!.message.content).toBe('fixing');
  });

  it('lists models and is driven over HTTP: /__scenario, /__requests, /__reset', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['scripted-model', 'other']);
    const loaded = await fetch(`${model.url}/__scenario`, { method: 'POST', body: JSON.stringify({ name: 'hello' }) });
    expect(await loaded.json()).toEqual({ ok: true, name: 'hello' });
    const res = await client.chat.completions.create({ model: 'scripted-model', messages: user('hi') });
    expect(res.choices[0]!.message.content).toMatch(/scripted model/);
    const log = (await (await fetch(`${model.url}/__requests`)).json()) as { path: string; body: { messages: unknown[] } }[];
    expect(log.map((r) => r.path)).toEqual(['/v1/chat/completions']);
    expect(log[0]!.body.messages).toEqual(user('hi'));
    const bad = await fetch(`${model.url}/__scenario`, { method: 'POST', body: JSON.stringify({ name: '../etc/passwd' }) });
    expect(bad.status).toBe(400);
  });
});
