import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectMember, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

let testDb: TestDb;
let owner: User;
let editor: User;
let viewer: User;
let stranger: User;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, editor, viewer, stranger] = (await seedUsers(testDb.db, 4)) as [User, User, User, User];
});
afterAll(() => testDb.close());

async function sharedProject() {
  const { id: projectId } = await as(owner).project.create({ title: 'history' });
  await testDb.db.insert(projectMember).values([
    { projectId, userId: editor.id, role: 'editor' },
    { projectId, userId: viewer.id, role: 'viewer' },
  ]);
  return projectId;
}

describe('history router', () => {
  it('lets viewers list and diff but not save or restore; strangers see nothing', async () => {
    const projectId = await sharedProject();
    await as(owner).files.create({ projectId, path: 'a.txt', content: 'one' });
    const first = await as(editor).history.create({ projectId, message: 'first' });
    await as(owner).files.write({ projectId, path: 'a.txt', content: 'two', expectedVersion: 1 });

    expect((await as(viewer).history.list({ projectId })).map((c) => c.message)).toEqual(['first']);
    expect(await as(viewer).history.diff({ projectId, from: first.id, to: 'current' })).toEqual([{ path: 'a.txt', status: 'modified' }]);
    expect(await as(viewer).history.fileDiff({ projectId, from: first.id, to: 'current', path: 'a.txt' })).toMatchObject({
      before: { content: 'one', encoding: 'utf8' },
      after: { content: 'two', encoding: 'utf8' },
    });

    await expect(as(viewer).history.create({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(viewer).history.restore({ projectId, checkpointId: first.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(viewer).history.undoLastTurn({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(stranger).history.list({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(stranger).history.fileDiff({ projectId, from: first.id, to: 'current', path: 'a.txt' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await as(owner).files.read({ projectId, path: 'a.txt' })).content).toBe('two');
  });

  it('cannot read or restore a checkpoint of another project through its own', async () => {
    const mine = await as(stranger).project.create({ title: 'mine' });
    const projectId = await sharedProject();
    await as(owner).files.create({ projectId, path: 'secret.txt', content: 'secret' });
    const theirs = await as(owner).history.create({ projectId });
    await expect(as(stranger).history.fileDiff({ projectId: mine.id, from: theirs.id, to: 'current', path: 'secret.txt' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'That checkpoint does not exist in this project.',
    });
    await expect(as(stranger).history.restore({ projectId: mine.id, checkpointId: theirs.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await as(stranger).files.tree({ projectId: mine.id })).toEqual([]);
  });

  it('undoes the last agent turn of a chat, files written by commands included', async () => {
    const projectId = await sharedProject();
    await as(editor).files.create({ projectId, path: 'index.html', content: '<h1>v1</h1>' });
    const { id: chatId } = await as(editor).chat.create({ projectId });
    await expect(as(editor).history.undoLastTurn({ projectId, chatId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await as(editor).history.create({ projectId, kind: 'turn_start', message: 'Before: make a file', chatId });
    await as(editor).sandbox.applyChanges({
      projectId,
      put: [
        { path: 'made-by-command.txt', content: 'x', encoding: 'utf8' },
        { path: 'index.html', content: '<h1>v2</h1>', encoding: 'utf8' },
      ],
      remove: [],
    });
    await as(editor).history.create({ projectId, kind: 'turn_end', message: 'After: make a file', chatId });

    const undone = await as(editor).history.undoLastTurn({ projectId, chatId });
    expect(undone.changed.sort()).toEqual(['index.html', 'made-by-command.txt']);
    expect((await as(editor).files.tree({ projectId })).map((f) => f.path)).toEqual(['index.html']);
    expect((await as(editor).files.read({ projectId, path: 'index.html' })).content).toBe('<h1>v1</h1>');
    expect((await as(viewer).history.list({ projectId })).map((c) => c.kind)).toEqual(['restore', 'turn_end', 'turn_start']);
  });
});
