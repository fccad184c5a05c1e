import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { workshop, type User } from '@/db/schema';
import { eq } from 'drizzle-orm';
import { startScriptedModel, type ScriptedModel } from '@/e2e/scripted-model/server';
import type { TurnEvent, TurnRequest } from '@/lib/agent/protocol';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { TurnRateLimit } from '@/server/model/budget';
import { createTurnDeps, type TurnDeps } from '@/server/model/turn';

// A workshop's quotas in the model proxy (server/workshop/budget.ts through server/model/turn.ts), with the
// real budgetFor, a real database and the scripted model: a refused turn sends nothing upstream.

const KEY = 'sk-workshop-test-key-0123456789';
let testDb: TestDb;
let model: ScriptedModel;
let turns: TurnDeps;
let teacher: User, student: User, other: User;
let workshopId: string;
let forkId: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user, turns }));

async function send(user: User, projectId: string, input: TurnRequest['input'], chatId?: string): Promise<{ events: TurnEvent[]; error?: { code: string; message: string } }> {
  const chat = chatId ?? (await as(user).chat.create({ projectId })).id;
  try {
    const events: TurnEvent[] = [];
    for await (const e of await as(user).chat.send({ projectId, chatId: chat, input })) events.push(e);
    return { events };
  } catch (error) {
    const cause = (error as { cause?: { code: string; message: string } }).cause;
    if (!cause) throw error;
    return { events: [], error: { code: cause.code, message: cause.message } };
  }
}

beforeAll(async () => {
  testDb = await createTestDb();
  [teacher, student, other] = (await seedUsers(testDb.db, 3)) as [User, User, User];
  model = await startScriptedModel({ apiKey: KEY, models: ['scripted-model'] });
  turns = createTurnDeps({ getModelConfig: () => ({ apiKey: KEY, baseURL: model.baseURL, models: ['scripted-model'], api: 'chat' }) });
  const starter = (await as(teacher).project.create({ title: 'starter' })).id;
  const created = await as(teacher).workshop.create({ projectId: starter, title: 'Quota class', settings: { dailyTokens: 1000 } });
  workshopId = created.id;
  forkId = (await as(student).workshop.join({ code: created.code, displayName: 'Sam' })).projectId;
});
afterAll(async () => {
  await model.close();
  await testDb.close();
});
beforeEach(() => {
  model.reset();
  turns.rateLimit = new TurnRateLimit();
});

describe('workshop quotas', () => {
  it('refuses a student over the workshop’s daily tokens with a clear message, and sends nothing upstream', async () => {
    model.load({ name: 'q', steps: [{ text: 'Here you go.', usage: { promptTokens: 900, completionTokens: 200 } }] });
    const first = await send(student, forkId, { kind: 'user', text: 'help' });
    expect(first.events.at(-1)).toMatchObject({ type: 'done' });
    expect(model.requests()).toHaveLength(1);
    const refused = await send(student, forkId, { kind: 'user', text: 'more' });
    expect(refused.error).toEqual({ code: 'budget:model', message: expect.stringMatching(/^You have used today's model budget for the workshop "Quota class" of 1,000 tokens; it resets at 00:00 UTC/) });
    expect(model.requests()).toHaveLength(1);
    // the teacher sees the usage
    const [row] = (await as(teacher).workshop.dashboard({ workshopId })).students;
    expect(row).toMatchObject({ displayName: 'Sam', tokensUsed: 1100, agentTurns: 1 });
  });

  it('keeps the IDE’s own budget for everyone else (the teacher’s own project)', async () => {
    model.load({ name: 'q', steps: [{ text: 'ok', usage: { promptTokens: 5000, completionTokens: 5000 } }, { text: 'again', usage: { promptTokens: 1, completionTokens: 1 } }] });
    const own = (await as(other).project.create({ title: 'own' })).id;
    await send(other, own, { kind: 'user', text: 'a' });
    expect((await send(other, own, { kind: 'user', text: 'b' })).events.at(-1)).toMatchObject({ type: 'done' });
  });

  it('refuses every turn when the teacher turned the agent off', async () => {
    const [w] = await testDb.db.select().from(workshop).where(eq(workshop.id, workshopId));
    await testDb.db.update(workshop).set({ settings: { ...w!.settings, agent: false, dailyTokens: 10_000_000 } }).where(eq(workshop.id, workshopId));
    model.load({ name: 'q', steps: [{ text: 'should not be asked' }] });
    const refused = await send(student, forkId, { kind: 'user', text: 'hi' });
    expect(refused.error).toEqual({ code: 'forbidden:workshop', message: 'The teacher has turned the agent off for the workshop "Quota class".' });
    expect(model.requests()).toHaveLength(0);
    expect(await as(student).workshop.forProject({ projectId: forkId })).toMatchObject({ agent: false });
    await testDb.db.update(workshop).set({ settings: w!.settings }).where(eq(workshop.id, workshopId));
  });

  it('shares a turn rate across the workshop’s students', async () => {
    const limit = new TurnRateLimit();
    const group = { key: `workshop:${workshopId}`, turnsPerMinute: 2 };
    await limit.take('student-a', { dailyTokens: 0, turnsPerMinute: 10, group });
    await limit.take('student-b', { dailyTokens: 0, turnsPerMinute: 10, group });
    await expect(limit.take('student-c', { dailyTokens: 0, turnsPerMinute: 10, group })).rejects.toMatchObject({
      code: 'rate_limit:chat',
      message: expect.stringMatching(/^Too many agent turns in this workshop: at most 2 a minute/),
    });
    await limit.take('student-c', { dailyTokens: 0, turnsPerMinute: 10, group: { ...group, key: 'workshop:another' } });
  });

  it('records a test run the agent’s command tool reported, as run by the agent', async () => {
    const [w] = await testDb.db.select().from(workshop).where(eq(workshop.id, workshopId));
    await testDb.db.update(workshop).set({ settings: { ...w!.settings, dailyTokens: 10_000_000 } }).where(eq(workshop.id, workshopId));
    model.load({ name: 'q', steps: [{ toolCalls: [{ name: 'run_command', arguments: { command: 'npm test' } }] }, { text: 'Two pass, one fails.' }] });
    const chatId = (await as(student).chat.create({ projectId: forkId })).id;
    const first = await send(student, forkId, { kind: 'user', text: 'run the tests' }, chatId);
    const calls = first.events.find((e) => e.type === 'tool_calls');
    if (calls?.type !== 'tool_calls') throw new Error('expected a tool call');
    const output = 'exit code 1\n\x1b[2m      Tests \x1b[22m \x1b[1m\x1b[31m1 failed\x1b[39m\x1b[22m\x1b[2m | \x1b[22m\x1b[1m\x1b[32m2 passed\x1b[39m\x1b[22m\x1b[90m (3)\x1b[39m\n';
    await send(student, forkId, { kind: 'tool_results', results: [{ toolCallId: calls.calls[0]!.id, ok: true, output }] }, chatId);
    const [row] = (await as(teacher).workshop.dashboard({ workshopId })).students;
    expect(row?.test).toMatchObject({ passed: 2, failed: 1, ranBy: 'agent' });
  });
});
