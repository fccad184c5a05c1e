import { describe, expect, it } from 'vitest';
import { listCheckpoints } from '@/db/queries/checkpoints';
import { setupTurnKit } from '@/server/model/turn-test-kit';

// chat.send stores the request's messages once the model streams, or when the call ends: these prove
// that a turn which never streams (the model fails, the browser stops first) still keeps them.
const kit = setupTurnKit();
const user = (text: string) => ({ kind: 'user' as const, text });

describe('what a turn keeps when its model call never streams', () => {
  it('the model fails before its first token: the message is stored, the checkpoint before the turn is there, the panel gets the error', async () => {
    // what the browser does before every turn (lib/stores/agent.ts)
    const checkpoint = await kit.client().history.create.mutate({ projectId: kit.projectId, kind: 'turn_start', chatId: kit.chatId, message: 'Before: hi' });
    kit.model.load({ name: 't', steps: [{ text: 'never', fault: { status: 500, times: 10, retryAfterMs: 10, message: 'boom' } }] });
    const { events } = await kit.turn(user('keep me'));
    expect(events.at(-1)).toEqual({ type: 'error', code: 'upstream:model', message: expect.stringMatching(/HTTP 500/), retryable: true });
    expect(await kit.stored()).toEqual([{ kind: 'user', text: 'keep me', usage: null }]);
    const checkpoints = await listCheckpoints(kit.db, kit.projectId);
    expect(checkpoints.find((c) => c.id === checkpoint.id)).toMatchObject({ kind: 'turn_start', chatId: kit.chatId });
    expect(kit.turns.locks.busy(kit.chatId)).toBe(false);
  });

  it('the browser stops while the model has not answered yet: the message is stored all the same', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'too late', firstChunkDelayMs: 60_000 }] });
    const controller = new AbortController();
    const res = await kit.rawSend({ projectId: kit.projectId, chatId: kit.chatId, input: user('stop before the answer') }, kit.owner, controller.signal);
    expect(res.status).toBe(200);
    // the request has reached the model, which has not streamed anything
    await expect.poll(() => kit.model.requests().length).toBe(1);
    controller.abort();
    await expect.poll(() => kit.model.requests()[0]!.clientAborted, { timeout: 5000 }).toBe(true);
    await expect.poll(() => kit.turns.locks.busy(kit.chatId), { timeout: 5000 }).toBe(false);
    expect((await kit.stored()).map((m) => ({ kind: m.kind, text: 'text' in m ? m.text : null }))).toEqual([{ kind: 'user', text: 'stop before the answer' }]);
  });

  it('an answer made only of tool calls is stored after the request that asked for it', async () => {
    kit.model.load({ name: 't', steps: [{ text: '', toolCalls: [{ id: 'r1', name: 'read_file', arguments: { path: 'a.txt' } }] }] });
    const { events } = await kit.turn(user('read a.txt'));
    expect(events.at(-1)).toMatchObject({ type: 'done', finishReason: 'tool_calls' });
    expect((await kit.stored()).map((m) => m.kind)).toEqual(['user', 'assistant']);
  });
});
