import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectBlobs } from '@/db/queries/blob-gc';
import { hashBytes, putBlob } from '@/db/queries/blobs';
import { createChat } from '@/db/queries/chats';
import { CHECKPOINTS_KEPT, createCheckpoint, treeOf } from '@/db/queries/checkpoints';
import { createFiles, deletePath, listFiles, readFile, renamePath, searchFiles, writeFile } from '@/db/queries/files';
import { getChatWithMemory } from '@/db/queries/memory';
import { deleteProject, insertProject } from '@/db/queries/projects';
import { restoreCheckpoint } from '@/db/queries/restore';
import { applySandboxChanges } from '@/db/queries/sync';
import { createEntry, insertFirstChange, shareTree } from '@/db/queries/tree';
import { blob, project, projectFile, tree, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { FILE_LIMITS } from '@/lib/files/limits';
import { forkProject } from '@/server/projects/fork';

// Forks share their source's tree (db/queries/tree.ts): every reader must see exactly the tree a copy would
// have had, and no change may cross from one project to another through the shared base.

let testDb: TestDb;
let alice: User;
let bob: User;
const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);
const GRACE = 60 * 60_000;

beforeAll(async () => {
  testDb = await createTestDb();
  [alice, bob] = (await seedUsers(testDb.db, 2)) as [User, User];
});
afterAll(() => testDb.close());

/** A source project with a few files whose contents are unique to this call. */
async function source(tag: string): Promise<string> {
  const { id } = await insertProject(testDb.db, { ownerId: alice.id, title: tag, template: null });
  await createFiles(testDb.db, id, [
    { path: 'README.md', content: enc(`# ${tag}\n`) },
    { path: 'src/a.ts', content: enc(`export const a = '${tag}';\n`) },
    { path: 'src/b.ts', content: enc(`export const b = '${tag}';\n`) },
  ]);
  return id;
}
const fork = async (from: string, ownerId = bob.id) => (await forkProject(testDb.db, { sourceProjectId: from, ownerId })).id;
const text = async (projectId: string, path: string) => {
  const file = await readFile(testDb.db, projectId, path);
  return file && dec(file.content);
};
const shape = async (projectId: string) => (await listFiles(testDb.db, projectId)).map(({ path, hash, size }) => ({ path, hash, size }));
const write = async (projectId: string, path: string, content: string) => {
  const current = await readFile(testDb.db, projectId, path);
  return writeFile(testDb.db, { projectId, path, content: enc(content), expectedVersion: current!.version });
};

describe('a fork over a shared tree', () => {
  it('reads as its source: same paths, contents and sizes, each file at version 1', async () => {
    const src = await source('same');
    await write(src, 'src/a.ts', 'changed before the fork\n');
    const f = await fork(src);
    expect(await shape(f)).toEqual(await shape(src));
    expect((await listFiles(testDb.db, f)).map((e) => e.version)).toEqual([1, 1, 1]);
    expect(await text(f, 'src/a.ts')).toBe('changed before the fork\n');
  });

  it('keeps edits apart: fork → source, source → fork, fork → sibling', async () => {
    const src = await source('apart');
    const [one, two] = [await fork(src), await fork(src)];
    const written = await write(one, 'src/a.ts', 'one\n');
    expect(written.version).toBe(2);
    await write(src, 'src/b.ts', 'source\n');
    expect([await text(one, 'src/a.ts'), await text(src, 'src/a.ts'), await text(two, 'src/a.ts')]).toEqual([
      'one\n',
      "export const a = 'apart';\n",
      "export const a = 'apart';\n",
    ]);
    expect([await text(one, 'src/b.ts'), await text(two, 'src/b.ts')]).toEqual(["export const b = 'apart';\n", "export const b = 'apart';\n"]);
    // A stale version of a base file is a conflict, as it is for any file.
    await expect(writeFile(testDb.db, { projectId: one, path: 'src/a.ts', content: enc('late'), expectedVersion: 1 })).rejects.toMatchObject({ code: 'conflict:file' });
  });

  it('hides a deleted file only in the fork; the path can be made again (past the deleted version) or moved onto', async () => {
    const src = await source('delete');
    const [f, sibling] = [await fork(src), await fork(src)];
    await deletePath(testDb.db, f, 'src');
    expect((await listFiles(testDb.db, f)).map((e) => e.path)).toEqual(['README.md']);
    expect(await text(f, 'src/a.ts')).toBeUndefined();
    await expect(writeFile(testDb.db, { projectId: f, path: 'src/a.ts', content: enc('x'), expectedVersion: 1 })).rejects.toMatchObject({ code: 'not_found:file' });
    expect((await listFiles(testDb.db, src)).length).toBe(3);
    expect((await listFiles(testDb.db, sibling)).length).toBe(3);
    const [again] = await createFiles(testDb.db, f, [{ path: 'src/a.ts', content: enc('again\n') }]);
    expect(again).toMatchObject({ path: 'src/a.ts', version: 2, size: 6 });
    await renamePath(testDb.db, f, 'README.md', 'src/b.ts');
    expect(await listFiles(testDb.db, f)).toMatchObject([
      { path: 'src/a.ts', version: 2 },
      { path: 'src/b.ts', version: 2, hash: hashBytes(enc('# delete\n')) },
    ]);
    expect(await text(sibling, 'README.md')).toBe('# delete\n');
  });

  it('forks a fork: the child sees the parent fork as it is, changes stay where they are made', async () => {
    const src = await source('grand');
    const parent = await fork(src);
    await write(parent, 'src/a.ts', 'parent\n');
    await deletePath(testDb.db, parent, 'README.md');
    await createFiles(testDb.db, parent, [{ path: 'new.txt', content: enc('new\n') }]);
    const child = await fork(parent, alice.id);
    expect(await shape(child)).toEqual(await shape(parent));
    expect((await listFiles(testDb.db, child)).every((e) => e.version === 1)).toBe(true);
    await write(child, 'new.txt', 'child\n');
    await deletePath(testDb.db, child, 'src/b.ts');
    expect([await text(parent, 'new.txt'), await text(parent, 'src/b.ts'), await text(src, 'README.md')]).toEqual([
      'new\n',
      "export const b = 'grand';\n",
      '# grand\n',
    ]);
    // A fork of an unchanged fork shares the same tree.
    const [{ n: before }] = (await testDb.db.select({ n: count() }).from(tree)) as [{ n: number }];
    const cousin = await fork(parent);
    expect((await testDb.db.select({ n: count() }).from(tree))[0]!.n).toBe(before);
    expect(await shape(cousin)).toEqual(await shape(parent));
  });

  it('serves the sandbox sync, search and AGENTS.md from the base', async () => {
    const src = await source('readers');
    await createFiles(testDb.db, src, [{ path: 'AGENTS.md', content: enc('use tabs\n') }]);
    const f = await fork(src);
    expect((await searchFiles(testDb.db, f, { query: "'readers'", caseSensitive: true, wholeWord: false, maxMatches: 10 })).files.map((m) => m.path)).toEqual([
      'src/a.ts',
      'src/b.ts',
    ]);
    const chat = await createChat(testDb.db, f);
    expect((await getChatWithMemory(testDb.db, f, chat.id))?.memory.notes).toBe('use tabs\n');
    const applied = await applySandboxChanges(testDb.db, f, { put: [{ path: 'src/a.ts', content: enc('synced\n') }], remove: ['AGENTS.md'] });
    expect(applied).toMatchObject({ written: [{ path: 'src/a.ts', version: 2 }], removed: ['AGENTS.md'], skipped: [] });
    expect((await getChatWithMemory(testDb.db, f, chat.id))?.memory.notes).toBeNull();
    expect(await text(src, 'AGENTS.md')).toBe('use tabs\n');
  });

  it('restores a checkpoint in a fork (versions move on, the source stays)', async () => {
    const src = await source('restore');
    const f = await fork(src);
    const cp = await createCheckpoint(testDb.db, { projectId: f, kind: 'manual', message: 'start', chatId: null, userId: bob.id });
    expect(cp.fileCount).toBe(3);
    await write(f, 'src/a.ts', 'edited\n');
    await deletePath(testDb.db, f, 'README.md');
    await createFiles(testDb.db, f, [{ path: 'extra.txt', content: enc('extra\n') }]);
    const { changes } = await restoreCheckpoint(testDb.db, { projectId: f, checkpointId: cp.id, currentChatId: null, userId: bob.id });
    expect(changes.map((c) => [c.path, c.status])).toEqual([
      ['README.md', 'added'],
      ['extra.txt', 'removed'],
      ['src/a.ts', 'modified'],
    ]);
    expect(await shape(f)).toEqual(await treeOf(testDb.db, f, cp.id));
    expect(await shape(f)).toEqual(await shape(src));
    expect((await readFile(testDb.db, f, 'src/a.ts'))?.version).toBe(3);
  });
});

describe('limits and races over a base', () => {
  it("counts the base's files against the fork's project quota", async () => {
    const { id: big } = await insertProject(testDb.db, { ownerId: alice.id, title: 'big', template: null });
    // The source at the byte limit: one 2 MiB blob behind as many files as the limit allows (stored directly, fast).
    const hash = await putBlob(testDb.db, new Uint8Array(FILE_LIMITS.maxFileBytes).fill(7));
    const count = FILE_LIMITS.maxProjectBytes / FILE_LIMITS.maxFileBytes;
    await testDb.db.insert(projectFile).values(Array.from({ length: count }, (_, i) => ({ projectId: big, path: `data/${i}.bin`, blobHash: hash, size: FILE_LIMITS.maxFileBytes })));
    const f = await fork(big);
    await expect(createFiles(testDb.db, f, [{ path: 'one-more.txt', content: enc('x') }])).rejects.toMatchObject({ code: 'too_large:project' });
    await deletePath(testDb.db, f, 'data/0.bin');
    await expect(createFiles(testDb.db, f, [{ path: 'one-more.txt', content: enc('x') }])).resolves.toHaveLength(1);
  });

  it('never creates over a live file (a create that lost a race is a conflict), only over a deleted one', async () => {
    const f = await fork(await source('create'));
    const other = { hash: hashBytes(enc('# create\n')), size: 9, version: 1 };
    await createFiles(testDb.db, f, [{ path: 'mine.txt', content: enc('mine\n') }]);
    await expect(createEntry(testDb.db, f, { path: 'mine.txt', ...other })).rejects.toMatchObject({ code: 'conflict:file' });
    expect(await text(f, 'mine.txt')).toBe('mine\n');
    await deletePath(testDb.db, f, 'README.md');
    // Over the tombstone, past the base file's version 1: a tab that still holds that file cannot overwrite this one.
    await expect(createEntry(testDb.db, f, { path: 'README.md', ...other })).resolves.toMatchObject({ version: 2 });
  });

  it('makes the first change of a base file only once: a second first change finds the row and backs off', async () => {
    const f = await fork(await source('first'));
    const change = { path: 'src/a.ts', hash: hashBytes(enc('# first\n')), size: 8, version: 2 };
    expect(await insertFirstChange(testDb.db, f, change)).toMatchObject({ version: 2 });
    expect(await insertFirstChange(testDb.db, f, { ...change, version: 2 })).toBeUndefined();
  });
});

describe('shared trees and collection', () => {
  const aged = sql`now() - interval '2 days'`;

  it('keeps a base and its blobs while a fork is based on it, through checkpoint retention and blob GC', async () => {
    const src = await source('kept');
    const f = await fork(src);
    for (let i = 0; i <= CHECKPOINTS_KEPT; i++) {
      await createCheckpoint(testDb.db, { projectId: f, kind: 'manual', message: `c${i}`, chatId: null, userId: bob.id });
    }
    await deleteProject(testDb.db, src);
    await testDb.db.update(blob).set({ createdAt: aged }).where(sql`true`);
    await testDb.db.update(tree).set({ createdAt: aged }).where(sql`true`);
    await collectBlobs(testDb.db, { graceMs: GRACE });
    expect(await text(f, 'src/a.ts')).toBe("export const a = 'kept';\n");
    expect((await listFiles(testDb.db, f)).length).toBe(3);
  });

  it('collects a tree no project is based on once it is old, then its blobs; a reused tree counts as new', async () => {
    const src = await source('gone');
    const f = await fork(src);
    const [{ baseTreeId }] = (await testDb.db.select({ baseTreeId: project.baseTreeId }).from(project).where(eq(project.id, f))) as [{ baseTreeId: string }];
    await deleteProject(testDb.db, f);
    await testDb.db.update(tree).set({ createdAt: aged }).where(eq(tree.id, baseTreeId));
    // The source shares the same tree again: its age is refreshed, so the collector spares it.
    expect(await testDb.db.transaction((tx) => shareTree(tx, src))).toBe(baseTreeId);
    await collectBlobs(testDb.db, { graceMs: GRACE });
    expect(await testDb.db.select({ id: tree.id }).from(tree).where(eq(tree.id, baseTreeId))).toHaveLength(1);
    await testDb.db.update(tree).set({ createdAt: aged }).where(eq(tree.id, baseTreeId));
    await deleteProject(testDb.db, src);
    await testDb.db.update(blob).set({ createdAt: aged }).where(sql`true`);
    await collectBlobs(testDb.db, { graceMs: GRACE });
    expect(await testDb.db.select({ id: tree.id }).from(tree).where(eq(tree.id, baseTreeId))).toHaveLength(0);
    expect(await testDb.db.select({ hash: blob.hash }).from(blob).where(eq(blob.hash, hashBytes(enc('# gone\n'))))).toHaveLength(0);
  });
});
