import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessages, createChat, truncateFrom } from '@/db/queries/chats';
import { createFiles } from '@/db/queries/files';
import { addDecision, getChatWithMemory, latestMemory, listDecisions, MAX_DECISIONS, NOTES_MAX_BYTES, NOTES_PATH, storeCompaction, type CompactionInput } from '@/db/queries/memory';
import { insertProject } from '@/db/queries/projects';
import type { Message, User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';

let testDb: TestDb;
let projectId: string;
let otherProjectId: string;

beforeAll(async () => {
  testDb = await createTestDb();
  const [owner] = (await seedUsers(testDb.db, 1)) as [User];
  projectId = (await insertProject(testDb.db, { ownerId: owner.id, title: 'p', template: null })).id;
  otherProjectId = (await insertProject(testDb.db, { ownerId: owner.id, title: 'q', template: null })).id;
});
afterAll(() => testDb.close());

async function chatWithMessages(n: number): Promise<{ chatId: string; rows: Message[] }> {
  const { id: chatId } = await createChat(testDb.db, projectId);
  const rows = await appendMessages(
    testDb.db,
    chatId,
    Array.from({ length: n }, (_, i) => ({ role: 'user' as const, content: { kind: 'user', text: `m${i}` } })),
  );
  return { chatId, rows };
}

const record = (version: number, throughMessageId: string, summary = `note v${version}`): CompactionInput => ({
  version,
  summary,
  throughMessageId,
  notice: null,
  tokensBefore: 9000,
  tokensAfter: 3000,
});

describe('storeCompaction', () => {
  it('stores versions in order and refuses a stale one', async () => {
    const { chatId, rows } = await chatWithMessages(6);
    expect(await latestMemory(testDb.db, projectId, chatId)).toBeUndefined();
    expect(await storeCompaction(testDb.db, projectId, chatId, record(1, rows[2]!.id))).toMatchObject({ status: 'stored', record: { version: 1 } });
    // another compaction that also started from "no record" lost the race
    expect(await storeCompaction(testDb.db, projectId, chatId, record(1, rows[3]!.id))).toEqual({ status: 'stale' });
    expect(await storeCompaction(testDb.db, projectId, chatId, record(3, rows[3]!.id))).toEqual({ status: 'stale' });
    await storeCompaction(testDb.db, projectId, chatId, record(2, rows[4]!.id));
    expect(await latestMemory(testDb.db, projectId, chatId)).toMatchObject({ version: 2, summary: 'note v2', throughMessageId: rows[4]!.id, tokensBefore: 9000, tokensAfter: 3000 });
  });

  it('lets exactly one of two concurrent compactions win', async () => {
    const { chatId, rows } = await chatWithMessages(4);
    const results = await Promise.all([
      storeCompaction(testDb.db, projectId, chatId, record(1, rows[1]!.id, 'a')),
      storeCompaction(testDb.db, projectId, chatId, record(1, rows[2]!.id, 'b')),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['stale', 'stored']);
  });

  it('finds nothing through another project, nor a message of another chat', async () => {
    const { chatId, rows } = await chatWithMessages(2);
    const other = await chatWithMessages(2);
    expect(await storeCompaction(testDb.db, otherProjectId, chatId, record(1, rows[1]!.id))).toEqual({ status: 'not_found' });
    expect(await storeCompaction(testDb.db, projectId, chatId, record(1, other.rows[1]!.id))).toEqual({ status: 'not_found' });
    await storeCompaction(testDb.db, projectId, chatId, record(1, rows[1]!.id));
    expect(await latestMemory(testDb.db, otherProjectId, chatId)).toBeUndefined();
  });

  it('validates what it stores', async () => {
    const { chatId, rows } = await chatWithMessages(2);
    await expect(storeCompaction(testDb.db, projectId, chatId, record(1, rows[1]!.id, 'x'.repeat(20_001)))).rejects.toThrow();
    await expect(storeCompaction(testDb.db, projectId, chatId, record(1, 'not-a-uuid'))).rejects.toThrow();
    await expect(storeCompaction(testDb.db, projectId, chatId, { ...record(1, rows[1]!.id), tokensAfter: -1 })).rejects.toThrow();
  });

  it('forgets a compaction whose covered message is cut (edit-and-resend), back to the previous one', async () => {
    const { chatId, rows } = await chatWithMessages(6);
    await storeCompaction(testDb.db, projectId, chatId, record(1, rows[1]!.id));
    await storeCompaction(testDb.db, projectId, chatId, record(2, rows[4]!.id));
    await truncateFrom(testDb.db, projectId, chatId, rows[3]!.id);
    expect(await latestMemory(testDb.db, projectId, chatId)).toMatchObject({ version: 1, throughMessageId: rows[1]!.id });
  });
});

describe('remember (decisions)', () => {
  it('stores decisions in order, scoped to the project, and drops them with their message', async () => {
    const { chatId, rows } = await chatWithMessages(3);
    expect(await addDecision(testDb.db, projectId, chatId, rows[0]!.id, { text: '  Use zod for config  ' })).toBe('stored');
    expect(await addDecision(testDb.db, projectId, chatId, rows[2]!.id, { text: 'Keep Node 18' })).toBe('stored');
    expect(await listDecisions(testDb.db, projectId, chatId)).toEqual(['Use zod for config', 'Keep Node 18']);
    expect(await listDecisions(testDb.db, otherProjectId, chatId)).toEqual([]);
    expect(await addDecision(testDb.db, otherProjectId, chatId, rows[0]!.id, { text: 'sneaky' })).toBe('not_found');
    await truncateFrom(testDb.db, projectId, chatId, rows[1]!.id);
    expect(await listDecisions(testDb.db, projectId, chatId)).toEqual(['Use zod for config']);
  });

  it('refuses bad arguments and stops at the cap', async () => {
    const { chatId, rows } = await chatWithMessages(1);
    const at = rows[0]!.id;
    await expect(addDecision(testDb.db, projectId, chatId, at, { text: '   ' })).rejects.toThrow();
    await expect(addDecision(testDb.db, projectId, chatId, at, { text: 'x'.repeat(501) })).rejects.toThrow();
    await expect(addDecision(testDb.db, projectId, chatId, at, 'just a string')).rejects.toThrow();
    for (let i = 0; i < MAX_DECISIONS; i++) expect(await addDecision(testDb.db, projectId, chatId, at, { text: `d${i}` })).toBe('stored');
    expect(await addDecision(testDb.db, projectId, chatId, at, { text: 'one more' })).toBe('full');
    expect(await listDecisions(testDb.db, projectId, chatId)).toHaveLength(MAX_DECISIONS);
  });
});

describe('getChatWithMemory', () => {
  it("reads the chat with its own newest record, decisions and its project's AGENTS.md, nothing of another chat or project", async () => {
    const { chatId, rows } = await chatWithMessages(3);
    const other = await chatWithMessages(2);
    await storeCompaction(testDb.db, projectId, chatId, record(1, rows[0]!.id));
    await storeCompaction(testDb.db, projectId, chatId, record(2, rows[1]!.id));
    await storeCompaction(testDb.db, projectId, other.chatId, record(1, other.rows[0]!.id, 'other chat'));
    await addDecision(testDb.db, projectId, chatId, rows[0]!.id, { text: 'first' });
    await addDecision(testDb.db, projectId, chatId, rows[1]!.id, { text: 'second' });
    await addDecision(testDb.db, projectId, other.chatId, other.rows[0]!.id, { text: 'not mine' });
    // only the other project has notes: none may show here
    await createFiles(testDb.db, otherProjectId, [{ path: NOTES_PATH, content: new TextEncoder().encode('other notes') }]);
    expect(await getChatWithMemory(testDb.db, projectId, chatId)).toMatchObject({
      chat: { id: chatId, projectId },
      memory: { memory: { version: 2, summary: 'note v2', throughMessageId: rows[1]!.id, notice: null }, decisions: ['first', 'second'], notes: null },
    });
    await createFiles(testDb.db, projectId, [{ path: NOTES_PATH, content: new TextEncoder().encode('x'.repeat(NOTES_MAX_BYTES + 10)) }]);
    expect((await getChatWithMemory(testDb.db, projectId, chatId))?.memory.notes).toBe('x'.repeat(NOTES_MAX_BYTES));
    expect(await getChatWithMemory(testDb.db, otherProjectId, chatId)).toBeUndefined();
    expect((await getChatWithMemory(testDb.db, projectId, other.chatId))?.memory).toMatchObject({ memory: { summary: 'other chat' }, decisions: ['not mine'] });
  });
});
