import { describe, expect, it } from 'vitest';
import { tokensUsedOn, utcDay } from '@/db/queries/usage';
import type { TurnEvent } from '@/lib/agent/protocol';
import { MAX_TRPC_BODY_BYTES } from '@/server/api/http';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { setupTurnKit } from '@/server/model/turn-test-kit';

// What one identity may spend of the operator's model key (server/model/budget.ts), and the size cap of
// the API's requests, through chat.send over real HTTP: a refused turn sends nothing upstream.
const kit = setupTurnKit();
const { turn } = kit;
const user = (text: string) => ({ kind: 'user' as const, text });
const today = () => tokensUsedOn(kit.db, kit.owner.id, utcDay(new Date()));

describe('model budget and turn rate limit', () => {
  it('refuses a turn once the day’s tokens are spent, with a clear message, and sends nothing upstream', async () => {
    const before = await today();
    kit.budget = { dailyTokens: before + 100, turnsPerMinute: 0 };
    kit.model.load({ name: 't', steps: [{ text: 'one', usage: { promptTokens: 40, completionTokens: 9 } }, { text: 'two', usage: { promptTokens: 50, completionTokens: 10 } }] });
    expect((await turn(user('first'))).events.at(-1)).toMatchObject({ type: 'done' });
    expect(await today()).toBe(before + 49);
    expect((await turn(user('second'))).events.at(-1)).toMatchObject({ type: 'done' });
    expect(await today()).toBe(before + 109);
    const refused = await turn(user('third'));
    expect(refused).toMatchObject({
      status: 429,
      events: [{ type: 'error', code: 'budget:model', message: expect.stringMatching(/today's model budget of [\d,]+ tokens; it resets at 00:00 UTC/) }],
    });
    expect(kit.model.requests()).toHaveLength(2);
    expect((await kit.stored()).map((m) => m.kind)).toEqual(['user', 'assistant', 'user', 'assistant']);
    // another identity has its own budget
    kit.model.load({ name: 't', steps: [{ text: 'yours', usage: { promptTokens: 5, completionTokens: 1 } }] });
    kit.budget.dailyTokens = (await tokensUsedOn(kit.db, kit.editor.id, utcDay(new Date()))) + 100;
    expect((await turn(user('mine now'), {}, kit.editor)).text).toBe('yours');
  });

  it('keeps counting when the chat is deleted', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'spent', usage: { promptTokens: 70, completionTokens: 30 } }] });
    kit.budget = { dailyTokens: (await today()) + 100, turnsPerMinute: 0 };
    await turn(user('spend it'));
    await createCaller(createContextInner({ db: kit.db, user: kit.owner })).chat.delete({ projectId: kit.projectId, chatId: kit.chatId });
    kit.chatId = (await createCaller(createContextInner({ db: kit.db, user: kit.owner })).chat.create({ projectId: kit.projectId })).id;
    expect((await turn(user('again'))).events[0]).toMatchObject({ code: 'budget:model' });
    expect(kit.model.requests()).toHaveLength(1);
  });

  it('charges a stopped turn an estimate, though the model never reported its usage', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'a slow answer '.repeat(20), chunkChars: 4, chunkDelayMs: 50, usage: { promptTokens: 1, completionTokens: 1 } }] });
    const before = await today();
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
    await expect.poll(() => kit.turns.locks.busy(kit.chatId)).toBe(false);
    // the system prompt and tools alone are well over a thousand tokens at 4 characters a token
    await expect.poll(today).toBeGreaterThan(before + 1000);
  });

  it('limits turns per minute per identity, with a clear message, and sends nothing upstream', async () => {
    kit.budget = { dailyTokens: 0, turnsPerMinute: 2 };
    kit.model.load({ name: 't', steps: [{ text: 'ok', repeat: true }] });
    expect((await turn(user('1'))).text).toBe('ok');
    expect((await turn(user('2'))).text).toBe('ok');
    const limited = await turn(user('3'));
    expect(limited).toMatchObject({ status: 429, events: [{ code: 'rate_limit:chat', message: expect.stringMatching(/at most 2 a minute\. Try again in \d+ s\./) }] });
    expect(kit.model.requests()).toHaveLength(2);
    // per identity: the editor still may
    expect((await turn(user('4'), {}, kit.editor)).text).toBe('ok');
  });

  it('cuts off a request body over the cap while reading it', async () => {
    const huge = 'x'.repeat(MAX_TRPC_BODY_BYTES + 1024);
    expect(await turn(user(huge))).toMatchObject({ status: 413, events: [{ type: 'error' }] });
    expect(kit.model.requests()).toHaveLength(0);
    expect(await kit.stored()).toEqual([]);
  });
});
