import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessages } from '@/db/queries/chats';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { projectMember, type User } from '@/db/schema';
import type { StoredContent } from '@/lib/agent/protocol';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { publicModelInfo } from '@/server/model/config';

let testDb: TestDb;
let owner: User;
let viewer: User;
let stranger: User;
let projectId: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, viewer, stranger] = (await seedUsers(testDb.db, 3)) as [User, User, User];
  projectId = (await as(owner).project.create({ title: 'chats' })).id;
  await testDb.db.insert(projectMember).values({ projectId, userId: viewer.id, role: 'viewer' });
});
afterAll(() => testDb.close());

const user = (text: string): StoredContent => ({ kind: 'user', text });
const answer = (text: string): StoredContent => ({ kind: 'assistant', text, toolCalls: [], finishReason: 'stop', model: 'm' });

describe('chat router', () => {
  it('creates, lists (newest first), renames and deletes chats', async () => {
    const a = await as(owner).chat.create({ projectId });
    expect(a.title).toBe('New chat');
    const b = await as(owner).chat.create({ projectId, title: '  Refactor  ' });
    expect(b.title).toBe('Refactor');
    expect((await as(viewer).chat.list({ projectId })).map((c) => c.id).slice(0, 2)).toEqual([b.id, a.id]);
    expect(await as(owner).chat.rename({ projectId, chatId: a.id, title: 'Bug hunt' })).toMatchObject({ id: a.id, title: 'Bug hunt' });
    expect(await as(owner).chat.delete({ projectId, chatId: a.id })).toEqual({ deleted: true });
    await expect(as(owner).chat.delete({ projectId, chatId: a.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await as(owner).chat.list({ projectId })).some((c) => c.id === a.id)).toBe(false);
  });

  it('lets viewers read but not change, and hides the project from strangers', async () => {
    const { id: chatId } = await as(owner).chat.create({ projectId });
    await expect(as(viewer).chat.create({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(viewer).chat.rename({ projectId, chatId, title: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(viewer).chat.setPlan({ projectId, chatId, items: [] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(viewer).chat.truncateFrom({ projectId, chatId, messageId: chatId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await as(viewer).chat.messages({ projectId, chatId })).toMatchObject({ messages: [] });
    await expect(as(stranger).chat.list({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(stranger).chat.messages({ projectId, chatId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('does not reach a chat through another project', async () => {
    const { id: chatId } = await as(owner).chat.create({ projectId });
    const other = (await as(stranger).project.create({ title: 'theirs' })).id;
    await expect(as(stranger).chat.messages({ projectId: other, chatId })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'Chat not found.' });
    await expect(as(stranger).chat.delete({ projectId: other, chatId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await as(owner).chat.messages({ projectId, chatId })).toMatchObject({ chat: { id: chatId } });
  });

  it('returns messages in order, truncates from a message, and sums usage', async () => {
    const { id: chatId } = await as(owner).chat.create({ projectId });
    await appendMessages(testDb.db, chatId, [{ role: 'user', content: user('one') }]);
    await appendMessages(testDb.db, chatId, [{ role: 'assistant', content: answer('first'), usage: { promptTokens: 100, completionTokens: 20 } }]);
    await appendMessages(testDb.db, chatId, [
      { role: 'user', content: user('two') },
      { role: 'assistant', content: answer('second'), usage: { promptTokens: 150, completionTokens: 30 } },
    ]);
    const { messages } = await as(viewer).chat.messages({ projectId, chatId });
    expect(messages.map((m) => [m.seq, m.role, (m.content as { text: string }).text])).toEqual([
      [1, 'user', 'one'],
      [2, 'assistant', 'first'],
      [3, 'user', 'two'],
      [4, 'assistant', 'second'],
    ]);
    expect(await as(viewer).chat.usage({ projectId, chatId })).toEqual({ promptTokens: 250, completionTokens: 50, turns: 2 });

    // edit-and-resend of "two": everything from it goes
    expect(await as(owner).chat.truncateFrom({ projectId, chatId, messageId: messages[2]!.id })).toEqual({ deleted: 2 });
    expect((await as(owner).chat.messages({ projectId, chatId })).messages.map((m) => m.seq)).toEqual([1, 2]);
    expect(await as(owner).chat.usage({ projectId, chatId })).toEqual({ promptTokens: 100, completionTokens: 20, turns: 1 });
    await appendMessages(testDb.db, chatId, [{ role: 'user', content: user('two, edited') }]);
    expect((await as(owner).chat.messages({ projectId, chatId })).messages.at(-1)).toMatchObject({ seq: 3 });
    await expect(as(owner).chat.truncateFrom({ projectId, chatId, messageId: messages[3]!.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('gets and sets the plan with validated statuses', async () => {
    const { id: chatId } = await as(owner).chat.create({ projectId });
    expect(await as(viewer).chat.plan({ projectId, chatId })).toEqual([]);
    const items = [
      { title: 'Read tests', status: 'done' as const },
      { title: 'Fix sum', status: 'in_progress' as const },
    ];
    expect(await as(owner).chat.setPlan({ projectId, chatId, items })).toEqual(items);
    expect(await as(viewer).chat.plan({ projectId, chatId })).toEqual(items);
    await expect(
      as(owner).chat.setPlan({ projectId, chatId, items: [{ title: 'x', status: 'maybe' as 'done' }] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('tells which models exist without revealing the key', async () => {
    const info = await as(viewer).chat.models();
    expect(info).toMatchObject({ models: expect.any(Array), api: expect.stringMatching(/^(chat|responses)$/) });
    expect(Object.keys(info).sort()).toEqual(['api', 'configured', 'defaultModel', 'models', 'setupHint']);
    if (!info.configured) expect(info.setupHint).toMatch(/OPENAI_API_KEY/);
    const withKey = publicModelInfo({ apiKey: 'sk-very-secret-abc', baseURL: 'http://localhost:11434/v1', models: ['a', 'b'], api: 'chat' });
    expect(withKey).toEqual({ configured: true, models: ['a', 'b'], defaultModel: 'a', api: 'chat', setupHint: null });
    expect(JSON.stringify(withKey)).not.toContain('secret');
    expect(publicModelInfo({ baseURL: 'http://localhost:11434/v1', models: ['llama3'], api: 'chat' }).configured).toBe(true); // Ollama: no key
  });
});
