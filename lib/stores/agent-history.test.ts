import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { projectMember, type User } from '@/db/schema';
import { TurnCheckpoints, type TurnHistory } from '@/lib/stores/agent-history';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

// The project's history through the real tRPC procedures on a real PGlite, as the agent store uses it.

let testDb: TestDb;
let owner: User;
let viewer: User;
let projectId: string;
let chatId: string;
const log: string[] = [];
const callerFor = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

function historyOf(user: User): TurnHistory {
  const caller = callerFor(user);
  return {
    checkpoint: async (kind, chat, message) => {
      log.push(kind);
      await caller.history.create({ projectId, kind, chatId: chat, message });
    },
    settle: async () => void log.push('settle'),
    undoLastTurn: async (chat) => ({ chatId: (await caller.history.undoLastTurn({ projectId, chatId: chat })).chatId }),
  };
}

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, viewer] = (await seedUsers(testDb.db, 2)) as [User, User];
  projectId = (await callerFor(owner).project.create({ title: 'history' })).id;
  chatId = (await callerFor(owner).chat.create({ projectId })).id;
  await testDb.db.insert(projectMember).values({ projectId, userId: viewer.id, role: 'viewer' });
});
afterAll(() => testDb.close());

describe('TurnCheckpoints', () => {
  it('takes one checkpoint before a turn and, once the sandbox has settled, one after it; long prompts are cut to fit', async () => {
    log.length = 0;
    const problems: string[] = [];
    const checkpoints = new TurnCheckpoints(historyOf(owner));
    const prompt = 'x'.repeat(500);
    expect(await checkpoints.before(chatId, prompt, (p) => problems.push(p))).toBe(true);
    await checkpoints.after(chatId, prompt, (p) => problems.push(p));
    expect(log).toEqual(['turn_start', 'settle', 'turn_end']);
    expect(problems).toEqual([]);
    const [after, before] = await callerFor(owner).history.list({ projectId });
    expect([before?.kind, after?.kind]).toEqual(['turn_start', 'turn_end']);
    expect(before?.message).toHaveLength(200);
    expect(before?.message.endsWith('…')).toBe(true);
  });

  it('reports a checkpoint it could not take, and says no turn started (so none is taken after it)', async () => {
    const problems: string[] = [];
    const checkpoints = new TurnCheckpoints(historyOf(viewer));
    const count = (await callerFor(owner).history.list({ projectId })).length;
    expect(await checkpoints.before(chatId, 'hello', (p) => problems.push(p))).toBe(false);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Could not save a checkpoint: /);
    expect(await callerFor(owner).history.list({ projectId })).toHaveLength(count);
  });

  it('undoes the last turn through the history, and does nothing without one', async () => {
    const chat = (await callerFor(owner).chat.create({ projectId })).id;
    await expect(new TurnCheckpoints(historyOf(owner)).undo(chat)).rejects.toMatchObject({ message: expect.stringMatching(/no agent turn to undo/) });
    const checkpoints = new TurnCheckpoints(historyOf(owner));
    await checkpoints.before(chat, 'a turn', () => {});
    const { chatId: continued } = await checkpoints.undo(chat);
    expect(continued).not.toBeNull();
    const none = new TurnCheckpoints(undefined);
    expect(none.enabled).toBe(false);
    expect(await none.undo(chat)).toEqual({ chatId: chat });
    expect(await none.before(chat, 'x', () => {})).toBe(false);
  });
});
