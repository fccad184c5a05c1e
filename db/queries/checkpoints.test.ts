import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessages, createChat, listChats, listMessages } from '@/db/queries/chats';
import { createCheckpoint, diffTrees, lastTurnStart, listCheckpoints, treeOf } from '@/db/queries/checkpoints';
import { createFiles, deletePath, readFile, writeFile } from '@/db/queries/files';
import { addDecision, latestMemory, listDecisions, storeCompaction } from '@/db/queries/memory';
import { insertProject } from '@/db/queries/projects';
import { restoreCheckpoint } from '@/db/queries/restore';
import { applySandboxChanges } from '@/db/queries/sync';
import { blob, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';

let testDb: TestDb;
let owner: User;
const enc = (s: string) => new TextEncoder().encode(s);
const text = async (projectId: string, path: string) => {
  const f = await readFile(testDb.db, projectId, path);
  return f ? new TextDecoder().decode(f.content) : null;
};

beforeAll(async () => {
  testDb = await createTestDb();
  [owner] = (await seedUsers(testDb.db, 1)) as [User];
});
afterAll(() => testDb.close());

async function newProject(files: Record<string, string>) {
  const { id } = await insertProject(testDb.db, { ownerId: owner.id, title: 'p', template: null });
  await createFiles(testDb.db, id, Object.entries(files).map(([path, t]) => ({ path, content: enc(t) })));
  return id;
}

describe('checkpoints', () => {
  it('copy the tree as rows pointing at the same blobs, never new contents', async () => {
    const projectId = await newProject({ 'a.txt': 'A', 'src/b.ts': 'B' });
    const blobsBefore = (await testDb.db.select({ hash: blob.hash }).from(blob)).length;
    const cp = await createCheckpoint(testDb.db, { projectId, kind: 'manual', message: 'save', chatId: null, userId: owner.id });
    expect(cp.fileCount).toBe(2);
    expect((await testDb.db.select({ hash: blob.hash }).from(blob)).length).toBe(blobsBefore);
    expect(await treeOf(testDb.db, projectId, cp.id)).toEqual(await treeOf(testDb.db, projectId, 'current'));
  });

  it('diff two checkpoints into added, removed and modified paths', async () => {
    const projectId = await newProject({ 'keep.txt': 'k', 'edit.txt': 'v1', 'gone.txt': 'g' });
    const a = await createCheckpoint(testDb.db, { projectId, kind: 'manual', message: 'a', chatId: null, userId: owner.id });
    await writeFile(testDb.db, { projectId, path: 'edit.txt', content: enc('v2'), expectedVersion: 1 });
    await deletePath(testDb.db, projectId, 'gone.txt');
    await createFiles(testDb.db, projectId, [{ path: 'new.txt', content: enc('n') }]);
    const b = await createCheckpoint(testDb.db, { projectId, kind: 'manual', message: 'b', chatId: null, userId: owner.id });
    const changes = diffTrees(await treeOf(testDb.db, projectId, a.id), await treeOf(testDb.db, projectId, b.id));
    expect(changes.map((c) => [c.path, c.status])).toEqual([
      ['edit.txt', 'modified'],
      ['gone.txt', 'removed'],
      ['new.txt', 'added'],
    ]);
  });

  it('refuse a chat of another project', async () => {
    const projectId = await newProject({});
    const other = await newProject({});
    const foreign = await createChat(testDb.db, other);
    await expect(createCheckpoint(testDb.db, { projectId, kind: 'manual', message: 'x', chatId: foreign.id, userId: owner.id })).rejects.toMatchObject({ code: 'not_found:chat' });
  });

  it('restore files changed by commands and the conversation, after saving the state it replaces', async () => {
    const projectId = await newProject({ 'app.js': 'v1' });
    const chatId = (await createChat(testDb.db, projectId)).id;
    const [first] = await appendMessages(testDb.db, chatId, [{ role: 'user', content: { text: 'hello' } }]);
    await storeCompaction(testDb.db, projectId, chatId, { version: 1, summary: 'note', throughMessageId: first!.id, notice: null, tokensBefore: 10, tokensAfter: 5 });
    await addDecision(testDb.db, projectId, chatId, first!.id, { text: 'use vite' });
    const before = await createCheckpoint(testDb.db, { projectId, kind: 'turn_start', message: 'before turn', chatId, userId: owner.id });
    expect(before).toMatchObject({ messageId: first!.id, memoryVersion: 1 });

    // The turn: messages, a command writing a file and editing another (saved through the sandbox sync).
    await appendMessages(testDb.db, chatId, [
      { role: 'user', content: { text: 'make out.txt' } },
      { role: 'assistant', content: { text: 'done' } },
    ]);
    await applySandboxChanges(testDb.db, projectId, { put: [{ path: 'out.txt', content: enc('made') }, { path: 'app.js', content: enc('v2') }], remove: [] });
    const versionAfterTurn = (await readFile(testDb.db, projectId, 'app.js'))!.version;

    const result = await restoreCheckpoint(testDb.db, { projectId, checkpointId: before.id, currentChatId: chatId, userId: owner.id });
    expect(await text(projectId, 'out.txt')).toBeNull();
    expect(await text(projectId, 'app.js')).toBe('v1');
    expect((await readFile(testDb.db, projectId, 'app.js'))!.version).toBeGreaterThan(versionAfterTurn);
    expect(result.changes.map((c) => c.path).sort()).toEqual(['app.js', 'out.txt']);

    // The conversation: a chat holding the messages up to the checkpoint, with its memory; the old chat untouched.
    expect(result.chatId).not.toBe(chatId);
    expect((await listMessages(testDb.db, result.chatId!)).map((m) => m.content)).toEqual([{ text: 'hello' }]);
    expect((await latestMemory(testDb.db, projectId, result.chatId!))?.summary).toBe('note');
    expect(await listDecisions(testDb.db, projectId, result.chatId!)).toEqual(['use vite']);
    expect((await listMessages(testDb.db, chatId)).length).toBe(3);
    expect((await listChats(testDb.db, projectId))[0]?.id).toBe(result.chatId);

    // Nothing destroyed: the "before restore" checkpoint brings the turn's files and messages back.
    expect(result.saved).toMatchObject({ kind: 'restore', chatId, fileCount: 2 });
    const back = await restoreCheckpoint(testDb.db, { projectId, checkpointId: result.saved.id, currentChatId: result.chatId, userId: owner.id });
    expect(await text(projectId, 'out.txt')).toBe('made');
    expect(await text(projectId, 'app.js')).toBe('v2');
    expect(back.chatId).toBe(chatId);
  });

  it('find the last turn start, per chat', async () => {
    const projectId = await newProject({});
    const chatId = (await createChat(testDb.db, projectId)).id;
    const turn = await createCheckpoint(testDb.db, { projectId, kind: 'turn_start', message: 't', chatId, userId: owner.id });
    await createCheckpoint(testDb.db, { projectId, kind: 'turn_end', message: 'e', chatId, userId: owner.id });
    expect((await lastTurnStart(testDb.db, projectId, chatId))?.id).toBe(turn.id);
    expect(await lastTurnStart(testDb.db, projectId, (await createChat(testDb.db, projectId)).id)).toBeUndefined();
  });

  it('refuse a checkpoint of another project', async () => {
    const projectId = await newProject({ 'a.txt': 'a' });
    const other = await newProject({ 'b.txt': 'b' });
    const cp = await createCheckpoint(testDb.db, { projectId: other, kind: 'manual', message: 'x', chatId: null, userId: owner.id });
    await expect(restoreCheckpoint(testDb.db, { projectId, checkpointId: cp.id, currentChatId: null, userId: owner.id })).rejects.toMatchObject({ code: 'not_found:history' });
    await expect(treeOf(testDb.db, projectId, cp.id)).rejects.toMatchObject({ code: 'not_found:history' });
    expect(await text(projectId, 'a.txt')).toBe('a');
    expect(await listCheckpoints(testDb.db, projectId)).toEqual([]);
  });
});

