import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessages, ChatChangedError, createChat } from '@/db/queries/chats';
import { addDecision } from '@/db/queries/memory';
import { insertProject } from '@/db/queries/projects';
import { grantShare, rotateShareLink, shareLinkBySlug } from '@/db/queries/sharing';
import { getTurnFacts } from '@/db/queries/turn-facts';
import { addTokens } from '@/db/queries/usage';
import { projectMember, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';

// chat.send's one statement on a real database: every fact the turn reads before its model call,
// scoped to the project and the caller it was asked for.
let testDb: TestDb;
let owner: User;
let editor: User;
let holder: User;
let projectId: string;
let otherProjectId: string;
const DAY = '2026-12-03';

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, editor, holder] = (await seedUsers(testDb.db, 3)) as [User, User, User];
  projectId = (await insertProject(testDb.db, { ownerId: owner.id, title: 'p', template: null })).id;
  otherProjectId = (await insertProject(testDb.db, { ownerId: owner.id, title: 'q', template: null })).id;
  await testDb.db.insert(projectMember).values({ projectId, userId: editor.id, role: 'editor' });
  const { slug } = await rotateShareLink(testDb.db, projectId);
  await grantShare(testDb.db, (await shareLinkBySlug(testDb.db, slug))!.id, holder.id);
});
afterAll(() => testDb.close());

const facts = (chatId: string, userId: string, project = projectId, day = DAY) => getTurnFacts(testDb.db, { projectId: project, chatId, userId, day });

describe('getTurnFacts', () => {
  it('reads the access facts, today’s tokens, the chat with its memory and its messages in order', async () => {
    const { id: chatId } = await createChat(testDb.db, projectId);
    const rows = await appendMessages(testDb.db, chatId, [
      { role: 'user', content: { kind: 'user', text: 'first' }, tokens: 3 },
      { role: 'assistant', content: { kind: 'assistant', text: 'second', toolCalls: [], finishReason: 'stop', model: 'm' }, tokens: null },
    ]);
    await addDecision(testDb.db, projectId, chatId, rows[1]!.id, { text: 'use pnpm' });
    await addTokens(testDb.db, editor.id, DAY, 1234);
    await addTokens(testDb.db, editor.id, '2026-12-02', 99);

    const got = await facts(chatId, editor.id);
    expect(got.access).toMatchObject({ project: { id: projectId, ownerId: owner.id }, memberRole: 'editor', shareSandboxId: null, workshop: null });
    expect(got.usedToday).toBe(1234);
    expect(got.chat?.chat.id).toBe(chatId);
    expect(got.chat?.memory).toEqual({ memory: null, decisions: ['use pnpm'], notes: null });
    expect(got.messages).toEqual([
      { id: rows[0]!.id, seq: 1, content: { kind: 'user', text: 'first' }, tokens: 3 },
      { id: rows[1]!.id, seq: 2, content: rows[1]!.content, tokens: null },
    ]);
    // Another caller's facts: their own role (none but a share grant) and their own tokens.
    const other = await facts(chatId, holder.id);
    expect(other.access).toMatchObject({ memberRole: null, shareSandboxId: expect.any(String) });
    expect(other.usedToday).toBe(0);
  });

  it('reads no chat or history for a caller who cannot run turns (a refusal costs no history)', async () => {
    const { id: chatId } = await createChat(testDb.db, projectId);
    await appendMessages(testDb.db, chatId, [{ role: 'user', content: { kind: 'user', text: 'long history' } }]);
    const [viewer, stranger] = (await seedUsers(testDb.db, 2)) as [User, User];
    await testDb.db.insert(projectMember).values({ projectId, userId: viewer.id, role: 'viewer' });
    for (const caller of [viewer, stranger, holder]) {
      const got = await facts(chatId, caller.id);
      expect(got.access?.project.id).toBe(projectId);
      expect(got.chat).toBeUndefined();
      expect(got.messages).toEqual([]);
    }
    expect((await facts(chatId, owner.id)).messages).toHaveLength(1);
    expect((await facts(chatId, editor.id)).messages).toHaveLength(1);
  });

  it('never brings a chat (or its messages) of another project', async () => {
    const { id: chatId } = await createChat(testDb.db, otherProjectId);
    await appendMessages(testDb.db, chatId, [{ role: 'user', content: { kind: 'user', text: 'secret' } }]);
    const got = await facts(chatId, owner.id);
    expect(got.access?.project.id).toBe(projectId);
    expect(got.chat).toBeUndefined();
    expect(got.messages).toEqual([]);
  });

  it('knows nothing of a project that does not exist', async () => {
    const { id: chatId } = await createChat(testDb.db, projectId);
    expect(await facts(chatId, owner.id, '7f1c0a8e-1111-4222-8333-444455556666')).toEqual({ access: undefined, usedToday: 0, chat: undefined, messages: [] });
  });
});

describe('appendMessages afterSeq', () => {
  it('refuses rows planned on messages that changed since they were read', async () => {
    const { id: chatId } = await createChat(testDb.db, projectId);
    await appendMessages(testDb.db, chatId, [{ role: 'user', content: { kind: 'user', text: 'a' } }]);
    const read = await facts(chatId, owner.id);
    // Another path (a second server process, a direct write) appends after the read.
    await appendMessages(testDb.db, chatId, [{ role: 'user', content: { kind: 'user', text: 'b' } }]);
    await expect(appendMessages(testDb.db, chatId, [{ role: 'user', content: { kind: 'user', text: 'c' } }], { afterSeq: read.messages.at(-1)!.seq })).rejects.toBeInstanceOf(ChatChangedError);
    expect((await facts(chatId, owner.id)).messages.map((m) => (m.content as { text: string }).text)).toEqual(['a', 'b']);
    // On the chat as it is now, the rows go in.
    await appendMessages(testDb.db, chatId, [{ role: 'user', content: { kind: 'user', text: 'c' } }], { afterSeq: 2 });
    expect((await facts(chatId, owner.id)).messages.map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});
