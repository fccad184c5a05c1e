import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import type { User } from '@/db/schema';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { env } from '@/lib/env';

let testDb: TestDb;
let alice: User;
let bob: User;
const callerFor = (user: User | null) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [alice, bob] = (await seedUsers(testDb.db, 2)) as [User, User];
});
afterAll(() => testDb.close());

describe('project router', () => {
  it('creates a project from a template with its files', async () => {
    const created = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    expect(created).toMatchObject({ title: 'Vite + React + TypeScript + Vitest', template: 'vite-react-ts', ownerId: alice.id });
    const tree = await callerFor(alice).files.tree({ projectId: created.id });
    expect(tree.map((f) => f.path)).toEqual(expect.arrayContaining(['package.json', 'src/App.tsx', 'src/math.test.ts']));
  });

  it("names each template's main file, which the project holds, so the editor can open it first", async () => {
    for (const template of ['vite-react-ts', 'static', 'node-vitest'] as const) {
      const p = await callerFor(alice).project.create({ template });
      const { mainFile } = await callerFor(alice).project.byId({ projectId: p.id });
      expect(mainFile).toBeTruthy();
      const file = await callerFor(alice).files.read({ projectId: p.id, path: mainFile! });
      expect(file.content.length).toBeGreaterThan(0);
    }
    expect(await callerFor(alice).project.byId({ projectId: (await callerFor(alice).project.create({ title: 'blank' })).id })).toMatchObject({ mainFile: null });
  });

  it('creates an empty project and lists only my projects, newest first', async () => {
    const first = await callerFor(bob).project.create({ title: 'first' });
    const second = await callerFor(bob).project.create({ title: 'second' });
    const list = await callerFor(bob).project.list();
    expect(list.map((p) => p.id)).toEqual([second.id, first.id]);
    expect(await callerFor(bob).files.tree({ projectId: first.id })).toEqual([]);
    expect((await callerFor(alice).project.list()).some((p) => p.ownerId === bob.id)).toBe(false);
  });

  it('renames and deletes', async () => {
    const p = await callerFor(alice).project.create({ title: 'old' });
    expect(await callerFor(alice).project.rename({ projectId: p.id, title: '  new  ' })).toMatchObject({ title: 'new' });
    await expect(callerFor(alice).project.rename({ projectId: p.id, title: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await callerFor(alice).project.remove({ projectId: p.id });
    await expect(callerFor(alice).project.byId({ projectId: p.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("hides another user's project: not found, and nothing changes", async () => {
    const p = await callerFor(alice).project.create({ title: 'private' });
    await expect(callerFor(bob).project.byId({ projectId: p.id })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Project not found.',
    });
    await expect(callerFor(bob).project.rename({ projectId: p.id, title: 'pwned' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callerFor(bob).project.remove({ projectId: p.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callerFor(bob).files.tree({ projectId: p.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await callerFor(alice).project.byId({ projectId: p.id })).toMatchObject({ title: 'private', role: 'owner' });
  });

  it('answers an unknown project with NOT_FOUND, and no user with UNAUTHORIZED', async () => {
    await expect(
      callerFor(alice).project.byId({ projectId: '00000000-0000-4000-8000-000000000000' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(callerFor(null).project.list()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('rejects unknown templates', async () => {
    // @ts-expect-error: the template id is validated at run time too
    await expect(callerFor(alice).project.create({ template: 'nope' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('caps the projects one user may own, including concurrent creates; deleting one makes room', async () => {
    const [carol, dave] = (await seedUsers(testDb.db, 2)) as [User, User];
    const limit = env.PROJECTS_PER_USER;
    // All at once: the count is taken under a lock on the user's row, so none slips past it.
    const results = await Promise.allSettled(Array.from({ length: limit + 3 }, (_, i) => callerFor(carol).project.create({ title: `p${i}` })));
    const refused = results.filter((r) => r.status === 'rejected');
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(limit);
    expect(refused).toHaveLength(3);
    expect((refused[0] as PromiseRejectedResult).reason).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message: `You have ${limit} projects, the most one person may have. Delete one to make room.`,
      cause: { code: 'rate_limit:project' },
    });
    expect(await callerFor(carol).project.list()).toHaveLength(limit);
    // Someone else is not affected; a deletion frees a place.
    await expect(callerFor(dave).project.create({ title: 'mine' })).resolves.toMatchObject({ ownerId: dave.id });
    const [first] = await callerFor(carol).project.list();
    await callerFor(carol).project.remove({ projectId: first!.id });
    await expect(callerFor(carol).project.create({ title: 'again' })).resolves.toMatchObject({ title: 'again' });
  }, 60_000);
});
