import { count, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles } from '@/db/queries/files';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { blob, type User } from '@/db/schema';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { env } from '@/lib/env';
import { forkProject, forkTitle } from '@/server/projects/fork';

let testDb: TestDb;
let alice: User;
let bob: User;
const callerFor = (user: User | null) => createCaller(createContextInner({ db: testDb.db, user }));
const blobCount = async () => (await testDb.db.select({ n: count() }).from(blob))[0]?.n ?? 0;

/** Rows in every table of the schema, by table (PGlite answers { rows }, postgres.js the array). */
async function rowCounts(): Promise<Record<string, number>> {
  const tables: unknown = await testDb.db.execute(sql`select tablename from pg_tables where schemaname = 'public' order by tablename`);
  const names = (Array.isArray(tables) ? tables : (tables as { rows: unknown[] }).rows) as { tablename: string }[];
  const counts: Record<string, number> = {};
  for (const { tablename } of names) {
    const result: unknown = await testDb.db.execute(sql`select count(*)::int as n from ${sql.identifier(tablename)}`);
    counts[tablename] = ((Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { n: number }[])[0]!.n;
  }
  return counts;
}

beforeAll(async () => {
  testDb = await createTestDb();
  [alice, bob] = (await seedUsers(testDb.db, 2)) as [User, User];
});
afterAll(() => testDb.close());

describe('forkProject', () => {
  it("reads as the source's tree (version 1 each), copies no contents, and remembers the source", async () => {
    const source = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    const blobsBefore = await blobCount();
    const fork = await forkProject(testDb.db, { sourceProjectId: source.id, ownerId: bob.id });
    expect(await blobCount()).toBe(blobsBefore);
    const tree = async (id: string) => (await listFiles(testDb.db, id)).map(({ path, hash, size }) => ({ path, hash, size }));
    const forkTree = await tree(fork.id);
    expect(forkTree.length).toBeGreaterThan(3);
    expect(forkTree).toEqual(await tree(source.id));
    expect((await listFiles(testDb.db, fork.id)).every((f) => f.version === 1)).toBe(true);
    expect(await callerFor(bob).project.byId({ projectId: fork.id })).toMatchObject({
      ownerId: bob.id,
      role: 'owner',
      forkedFromId: source.id,
      title: `${source.title} (fork)`,
    });
  });

  it('stores a tree once, then adds only its project row per fork (the floor the storage benchmark reports)', async () => {
    const source = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    await callerFor(alice).files.create({ projectId: source.id, path: 'unique.txt', content: `${source.id}\n`, encoding: 'utf8' });
    const files = (await listFiles(testDb.db, source.id)).length;
    const added = async (fork: () => Promise<unknown>) => {
      const before = await rowCounts();
      await fork();
      const after = await rowCounts();
      return Object.fromEntries(Object.keys(after).map((t) => [t, after[t]! - (before[t] ?? 0)]).filter(([, n]) => n !== 0));
    };
    expect(await added(() => forkProject(testDb.db, { sourceProjectId: source.id, ownerId: bob.id }))).toEqual({ project: 1, tree: 1, tree_file: files });
    expect(await added(() => forkProject(testDb.db, { sourceProjectId: source.id, ownerId: bob.id }))).toEqual({ project: 1 });
    expect(await added(() => forkProject(testDb.db, { sourceProjectId: source.id, ownerId: alice.id }))).toEqual({ project: 1 });
  });

  it('a write to the fork leaves the source unchanged', async () => {
    const source = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    const fork = await forkProject(testDb.db, { sourceProjectId: source.id, ownerId: bob.id, name: 'mine' });
    const before = await callerFor(alice).files.read({ projectId: source.id, path: 'src/App.tsx' });
    const forked = await callerFor(bob).files.read({ projectId: fork.id, path: 'src/App.tsx' });
    await callerFor(bob).files.write({ projectId: fork.id, path: 'src/App.tsx', content: 'export default 1;\n', encoding: 'utf8', expectedVersion: forked.version });
    expect(await callerFor(alice).files.read({ projectId: source.id, path: 'src/App.tsx' })).toMatchObject({ content: before.content, version: before.version });
  });

  it('refuses an unknown source and counts against PROJECTS_PER_USER', async () => {
    await expect(forkProject(testDb.db, { sourceProjectId: '00000000-0000-4000-8000-000000000000', ownerId: bob.id })).rejects.toMatchObject({
      code: 'not_found:project',
    });
    const [carol] = (await seedUsers(testDb.db, 1)) as [User];
    const source = await callerFor(alice).project.create({ title: 'small' });
    for (let i = 0; i < env.PROJECTS_PER_USER; i++) await forkProject(testDb.db, { sourceProjectId: source.id, ownerId: carol.id });
    await expect(forkProject(testDb.db, { sourceProjectId: source.id, ownerId: carol.id })).rejects.toMatchObject({ code: 'rate_limit:project' });
    expect(await callerFor(carol).project.list()).toHaveLength(env.PROJECTS_PER_USER);
  });

  it('keeps fork titles within the title limit', () => {
    expect(forkTitle('x'.repeat(100))).toHaveLength(100);
    expect(forkTitle('x'.repeat(100)).endsWith(' (fork)')).toBe(true);
  });
});

describe('project.fork', () => {
  it('lets a viewer fork but not a stranger, and hides the source title from those who lost it', async () => {
    const source = await callerFor(alice).project.create({ title: 'secret plans' });
    await expect(callerFor(bob).project.fork({ projectId: source.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    const own = await callerFor(alice).project.fork({ projectId: source.id });
    expect(await callerFor(alice).project.byId({ projectId: own.id })).toMatchObject({ forkedFrom: { id: source.id, title: 'secret plans' } });
    expect((await callerFor(alice).project.list()).find((p) => p.id === own.id)).toMatchObject({ forkedFromTitle: 'secret plans' });
    await callerFor(alice).project.remove({ projectId: source.id });
    expect(await callerFor(alice).project.byId({ projectId: own.id })).toMatchObject({ forkedFromId: source.id, forkedFrom: null });
    expect((await callerFor(alice).project.list()).find((p) => p.id === own.id)).toMatchObject({ forkedFromId: source.id, forkedFromTitle: null });
  });
});
