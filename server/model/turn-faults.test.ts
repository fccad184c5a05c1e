import { describe, expect, it } from 'vitest';
import type { TurnEvent } from '@/lib/agent/protocol';
import { startScriptedModel } from '@/e2e/scripted-model/server';
import { KEY, setupTurnKit } from '@/server/model/turn-test-kit';

// Model faults, setup errors, access and limits of chat.send over real HTTP (see turn-handler.test.ts).
const kit = setupTurnKit({ maxSteps: 3 });
const { turn, stored } = kit;
const user = (text: string) => ({ kind: 'user' as const, text });

describe('turn faults', () => {
  it('retries 429 before the first token and then streams the answer', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'Finally.', fault: { status: 429, times: 2, retryAfterMs: 30 } }] });
    const { events, text } = await turn(user('hi'));
    expect(events.filter((e) => e.type === 'retrying')).toEqual([
      { type: 'retrying', attempt: 1, delayMs: 30, reason: 'HTTP 429' },
      { type: 'retrying', attempt: 2, delayMs: 30, reason: 'HTTP 429' },
    ]);
    expect(text).toBe('Finally.');
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'stop' });
    expect(kit.model.requests().map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('gives up on a lasting 500 with a clear, retryable error and stores no answer', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'never', fault: { status: 500, times: 10, retryAfterMs: 10, message: 'boom' } }] });
    const { status, events } = await turn(user('hi'));
    expect(status).toBe(200);
    expect(events.filter((e) => e.type === 'retrying')).toHaveLength(3);
    expect(events.at(-1)).toEqual({ type: 'error', code: 'upstream:model', message: expect.stringMatching(/failed \(HTTP 500\): boom/), retryable: true });
    expect((await stored()).map((m) => m.kind)).toEqual(['user']);
    // resume asks again on the stored conversation
    kit.model.load({ name: 't2', steps: [{ text: 'Back.' }] });
    expect((await turn({ kind: 'resume' })).text).toBe('Back.');
    expect((await stored()).map((m) => m.kind)).toEqual(['user', 'assistant']);
  });

  it('reports a stream cut after tokens without storing or sending the tool call; resume gets it once', async () => {
    kit.model.load({
      name: 't',
      steps: [
        { text: 'Writing it', toolCalls: [{ id: 'w1', name: 'write_file', arguments: { path: 'a.txt', content: 'once' } }], cutAfterChunks: 5 },
        { text: 'Writing it', toolCalls: [{ id: 'w1', name: 'write_file', arguments: { path: 'a.txt', content: 'once' } }] },
      ],
    });
    const cut = await turn(user('write a.txt'));
    expect(cut.text.length).toBeGreaterThan(0);
    expect(cut.events.some((e) => e.type === 'tool_calls' || e.type === 'retrying')).toBe(false);
    expect(cut.events.at(-1)).toMatchObject({ type: 'error', code: 'upstream:model', message: expect.stringMatching(/cut off/), retryable: true });
    expect((await stored()).map((m) => m.kind)).toEqual(['user']);
    const again = await turn({ kind: 'resume' });
    expect(again.events.filter((e) => e.type === 'tool_calls')).toHaveLength(1);
    const assistants = (await stored()).filter((m) => m.kind === 'assistant');
    expect(assistants).toHaveLength(1);
    expect(assistants[0]).toMatchObject({ toolCalls: [{ id: 'w1', args: { path: 'a.txt', content: 'once' } }] });
  });

  it('aborts the upstream request when the browser stops, and stores nothing of the answer', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'a slow answer '.repeat(20), chunkChars: 4, chunkDelayMs: 50 }] });
    const controller = new AbortController();
    const events = await kit.client().chat.send.mutate({ projectId: kit.projectId, chatId: kit.chatId, input: user('go slowly') }, { signal: controller.signal });
    const seen: TurnEvent[] = [];
    await expect(
      (async () => {
        for await (const e of events) {
          seen.push(e);
          if (seen.filter((x) => x.type === 'text').length === 3) controller.abort();
        }
      })(),
    ).rejects.toThrow(/abort/i);
    await expect.poll(() => kit.model.requests()[0]?.clientAborted, { timeout: 3000 }).toBe(true);
    // the turn has ended on the server once it let go of the chat
    await expect.poll(() => kit.turns.locks.busy(kit.chatId)).toBe(false);
    expect((await stored()).map((m) => m.kind)).toEqual(['user']);
  });

  it('explains a missing model setup, a bad key, unknown models and a too-long context', async () => {
    kit.config = { models: ['scripted-model'], api: 'chat' };
    const noKey = await turn(user('hi'));
    expect(noKey.status).toBe(503);
    expect(noKey.events).toEqual([{ type: 'error', code: 'unavailable:model', message: expect.stringMatching(/OPENAI_API_KEY.*OPENAI_BASE_URL/s), retryable: false }]);
    expect(await stored()).toEqual([]);

    kit.config = { apiKey: 'sk-wrong-secret-999999', baseURL: kit.model.baseURL, models: ['scripted-model', 'ghost-model'], api: 'chat' };
    kit.model.load({ name: 't', steps: [{ text: 'x', repeat: true }] });
    const badKey = await turn(user('hi'));
    expect(badKey.events.at(-1)).toMatchObject({ type: 'error', code: 'unauthorized:model', message: expect.stringMatching(/rejected the API key.*OPENAI_API_KEY/) });
    expect(JSON.stringify(badKey.events)).not.toMatch(/sk-wrong|999999/);

    kit.config = { ...kit.config, apiKey: KEY };
    const notListed = await turn({ kind: 'resume' }, { model: 'gpt-99' });
    expect(notListed).toMatchObject({ status: 404, events: [{ code: 'not_found:model', message: expect.stringMatching(/"gpt-99" is not one of the configured models/) }] });
    const upstream404 = await turn({ kind: 'resume' }, { model: 'ghost-model' });
    expect(upstream404.events.at(-1)).toMatchObject({ code: 'not_found:model', message: expect.stringMatching(/"ghost-model" is not available on 127\.0\.0\.1/) });

    kit.model.load({ name: 't', steps: [{ text: 'x', fault: { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 8192 tokens." } }] });
    const tooLong = await turn({ kind: 'resume' });
    expect(tooLong.events.at(-1)).toMatchObject({ code: 'too_large:model', retryable: false });
  });

  it('works with a local server that needs no key (base URL only)', async () => {
    const local = await startScriptedModel({ scenario: { name: 'local', steps: [{ text: 'from the local model' }] } });
    try {
      kit.config = { baseURL: local.baseURL, models: ['qwen2.5-coder'], api: 'chat' };
      const { events, text } = await turn(user('hi'));
      expect(text).toBe('from the local model');
      expect(events[0]).toMatchObject({ type: 'start', model: 'qwen2.5-coder' });
      expect(local.requests()[0]).toMatchObject({ authorization: 'Bearer no-key', body: { model: 'qwen2.5-coder' } });
    } finally {
      await local.close();
    }
  });

  it('never sends the key to the browser', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'fine', toolCalls: [{ name: 'list_files' }] }] });
    const res = await kit.rawSend({ projectId: kit.projectId, chatId: kit.chatId, input: user('hi') });
    const raw = `${JSON.stringify([...res.headers])}${await res.text()}`;
    expect(raw).toContain('fine');
    expect(raw).not.toContain(KEY);
    expect(raw).not.toMatch(/sk-test|123456/);
    expect(kit.model.requests()[0]!.authorization).toBe(`Bearer ${KEY}`); // it did go upstream
  });

  it('stops at the step limit, which the server enforces', async () => {
    kit.model.load({ name: 't', steps: [{ toolCalls: [{ id: 'l', name: 'list_files' }], repeat: true }] });
    let result = await turn(user('loop forever'));
    for (let step = 2; step <= 3; step++) {
      result = await turn({ kind: 'tool_results', results: [{ toolCallId: 'l', ok: true, output: 'a.ts' }] });
      expect(result.events[0]).toMatchObject({ type: 'start', step });
    }
    const limited = await turn({ kind: 'tool_results', results: [{ toolCallId: 'l', ok: true, output: 'a.ts' }] });
    expect(limited).toMatchObject({ status: 429, events: [{ type: 'error', code: 'budget:chat', message: expect.stringMatching(/after 3 steps/) }] });
    expect(kit.model.requests()).toHaveLength(3);
    expect((await stored()).at(-1)).toMatchObject({ kind: 'tool', toolCallId: 'l' }); // the results are kept
    expect((await turn(user('go on'))).events[0]).toMatchObject({ type: 'start', step: 1 });
  });

  it('runs simultaneous turns on one chat one after the other, never interleaved', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'answer in parts', chunkChars: 3, chunkDelayMs: 20, repeat: true }] });
    const [a, b] = await Promise.all([turn(user('first')), turn(user('second'))]);
    expect([a, b].map((r) => r.events.at(-1)!.type)).toEqual(['done', 'done']);
    expect((await stored()).map((m) => m.kind)).toEqual(['user', 'assistant', 'user', 'assistant']);
    const secondCall = kit.model.requests()[1]!.body as { messages: { role: string }[] };
    expect(secondCall.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
  });

  it('refuses a turn while another one in the same chat keeps running', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'x'.repeat(60), chunkChars: 2, chunkDelayMs: 100, repeat: true }] });
    const long = turn(user('long'));
    await expect.poll(() => kit.model.requests().length).toBe(1);
    const refused = await turn(user('impatient'));
    expect(refused).toMatchObject({ status: 409, events: [{ code: 'conflict:chat', message: expect.stringMatching(/already running in this chat/) }] });
    expect((await long).events.at(-1)).toMatchObject({ type: 'done' });
    expect((await stored()).map((m) => m.kind)).toEqual(['user', 'assistant']);
  });

  it('lets only editors run turns and validates the request', async () => {
    const asViewer = await turn(user('hi'), {}, kit.viewer);
    expect(asViewer).toMatchObject({ status: 403, events: [{ code: 'forbidden:project', message: expect.stringMatching(/needs the editor role; you are a viewer/) }] });
    const asStranger = await turn(user('hi'), {}, kit.stranger);
    expect(asStranger).toMatchObject({ status: 404, events: [{ code: 'not_found:project', message: 'Project not found.' }] });
    const badImage = await turn({ kind: 'user', text: 'look', images: ['http://example.com/x.png'] });
    expect(badImage).toMatchObject({ status: 400, events: [{ code: 'bad_request:chat', message: expect.stringMatching(/data URLs/) }] });
    const tooLong = await turn(user('x'.repeat(40_000)));
    expect(tooLong.events[0]).toMatchObject({ code: 'bad_request:chat', message: expect.stringMatching(/too long/) });
    const otherChat = await turn(user('hi'), { chatId: '00000000-0000-4000-8000-000000000000' });
    expect(otherChat).toMatchObject({ status: 404, events: [{ code: 'not_found:chat' }] });
    expect(await stored()).toEqual([]);
    expect(kit.model.requests()).toHaveLength(0);
  });
});
