import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendMessages, createChat, getChatForTurn, truncateFrom } from '@/db/queries/chats';
import { insertProject } from '@/db/queries/projects';
import { projectMember, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';

// getChatForTurn is the agent's hot path and runs raw SQL on the driver (db/client.ts queryHot):
// these check that it returns what the query builder would, on PGlite and (test:db) PostgreSQL.

let testDb: TestDb;
let owner: User;
let editor: User;
let stranger: User;
let projectId: string;
let otherProjectId: string;

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, editor, stranger] = (await seedUsers(testDb.db, 3)) as [User, User, User];
  projectId = (await insertProject(testDb.db, { ownerId: owner.id, title: 'p', template: null })).id;
  otherProjectId = (await insertProject(testDb.db, { ownerId: owner.id, title: 'q', template: null })).id;
  await testDb.db.insert(projectMember).values({ projectId, userId: editor.id, role: 'editor' });
});
afterAll(() => testDb.close());

describe('getChatForTurn', () => {
  it('returns the chat, the caller’s role and the contents in order', async () => {
    const created = await createChat(testDb.db, projectId, 'Hot path');
    const empty = await getChatForTurn(testDb.db, projectId, created.id, owner.id);
    expect(empty).toMatchObject({ role: 'owner', contents: [], lastId: null });
    expect(empty!.chat).toMatchObject({ id: created.id, projectId, title: 'Hot path', plan: [] });
    expect(empty!.chat.createdAt).toBeInstanceOf(Date);

    const rows = await appendMessages(testDb.db, created.id, [
      { role: 'user', content: { kind: 'user', text: 'first' } },
      { role: 'assistant', content: { kind: 'assistant', text: 'second', toolCalls: [], finishReason: 'stop', model: 'm' } },
      { role: 'user', content: { kind: 'user', text: 'third', nested: { n: 1 } } },
    ]);
    const full = await getChatForTurn(testDb.db, projectId, created.id, editor.id);
    expect(full).toMatchObject({ role: 'editor', lastId: rows[2]!.id });
    expect(full!.contents).toEqual(rows.map((r) => r.content));
    const light = await getChatForTurn(testDb.db, projectId, created.id, editor.id, { contents: false });
    expect(light).toMatchObject({ role: 'editor', lastId: rows[2]!.id });
    expect(light).not.toHaveProperty('contents');

    await truncateFrom(testDb.db, projectId, created.id, rows[1]!.id);
    const cut = await getChatForTurn(testDb.db, projectId, created.id, owner.id);
    expect(cut).toMatchObject({ lastId: rows[0]!.id, contents: [rows[0]!.content] });
  });

  it('gives no role to a stranger and finds no chat through another project', async () => {
    const created = await createChat(testDb.db, projectId);
    expect(await getChatForTurn(testDb.db, projectId, created.id, stranger.id)).toMatchObject({ role: null });
    expect(await getChatForTurn(testDb.db, otherProjectId, created.id, owner.id)).toBeUndefined();
    expect(await getChatForTurn(testDb.db, projectId, '00000000-0000-4000-8000-000000000000', owner.id)).toBeUndefined();
  });

  it('takes only UUIDs (PGlite runs the prepared statement with literals)', async () => {
    const created = await createChat(testDb.db, projectId);
    const sneaky = `${created.id}') or true or ('`;
    await expect(getChatForTurn(testDb.db, projectId, sneaky, owner.id)).rejects.toThrow('not a UUID');
    await expect(getChatForTurn(testDb.db, projectId, created.id, `${owner.id}'`)).rejects.toThrow('not a UUID');
  });

  it('answers concurrent first calls on a fresh database (the statement is prepared once)', async () => {
    const fresh = await createTestDb();
    try {
      const [a, b] = (await seedUsers(fresh.db, 2)) as [User, User];
      const project = await insertProject(fresh.db, { ownerId: a.id, title: 'p', template: null });
      const created = await createChat(fresh.db, project.id);
      const calls = await Promise.all([a, b, a].map((u) => getChatForTurn(fresh.db, project.id, created.id, u.id, { contents: false })));
      expect(calls.map((c) => c?.role)).toEqual(['owner', null, 'owner']);
    } finally {
      await fresh.close();
    }
  });
});
