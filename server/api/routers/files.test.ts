import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { projectFile, type User } from '@/db/schema';
import { FILE_LIMITS } from '@/lib/files/limits';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

let testDb: TestDb;
let owner: User;
let stranger: User;
let projectId: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, stranger] = (await seedUsers(testDb.db, 2)) as [User, User];
  projectId = (await as(owner).project.create({ title: 'files' })).id;
});
afterAll(() => testDb.close());

describe('files router', () => {
  it('creates, reads and writes with versions', async () => {
    const created = await as(owner).files.create({ projectId, path: './src//index.ts', content: 'export {};\n' });
    expect(created).toMatchObject({ path: 'src/index.ts', version: 1, size: 11 });
    const written = await as(owner).files.write({ projectId, path: 'src/index.ts', content: 'export const a = 1;\n', expectedVersion: 1 });
    expect(written.version).toBe(2);
    expect(await as(owner).files.read({ projectId, path: 'src/index.ts' })).toMatchObject({
      content: 'export const a = 1;\n',
      encoding: 'utf8',
      version: 2,
    });
  });

  it('refuses a stale version and keeps the newer content', async () => {
    await as(owner).files.create({ projectId, path: 'notes.md', content: 'v1' });
    await as(owner).files.write({ projectId, path: 'notes.md', content: 'v2 from tab A', expectedVersion: 1 });
    await expect(
      as(owner).files.write({ projectId, path: 'notes.md', content: 'v2 from tab B', expectedVersion: 1 }),
    ).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/version 2, not 1.*Nothing was overwritten/) });
    expect((await as(owner).files.read({ projectId, path: 'notes.md' })).content).toBe('v2 from tab A');
  });

  it.each([
    ['../outside.txt', /"\.\." is not allowed/],
    ['/etc/passwd', /Absolute paths/],
    ['a\0b.txt', /NUL/],
    ['src/../../x', /"\.\." is not allowed/],
  ])('rejects the path %j and writes nothing', async (path, message) => {
    const before = await as(owner).files.tree({ projectId });
    await expect(as(owner).files.create({ projectId, path, content: 'x' })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: expect.stringMatching(message),
    });
    expect(await as(owner).files.tree({ projectId })).toEqual(before);
  });

  it('rejects an oversize file and writes nothing', async () => {
    const big = 'x'.repeat(FILE_LIMITS.maxFileBytes + 1);
    await expect(as(owner).files.create({ projectId, path: 'big.txt', content: big })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/at most 2 MiB/),
    });
    await expect(as(owner).files.read({ projectId, path: 'big.txt' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('round-trips binary content as base64', async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254]);
    await as(owner).files.create({ projectId, path: 'img.bin', content: bytes.toString('base64'), encoding: 'base64' });
    const read = await as(owner).files.read({ projectId, path: 'img.bin' });
    expect(read.encoding).toBe('base64');
    expect(Buffer.from(read.content, 'base64')).toEqual(bytes);
  });

  it('renames folders with their contents and refuses clashes', async () => {
    await as(owner).files.create({ projectId, path: 'lib/a.ts', content: 'a' });
    await as(owner).files.create({ projectId, path: 'lib/b/c.ts', content: 'c' });
    expect(await as(owner).files.rename({ projectId, from: 'lib', to: 'pkg' })).toMatchObject({ moved: 2 });
    const paths = (await as(owner).files.tree({ projectId })).map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['pkg/a.ts', 'pkg/b/c.ts']));
    expect(paths.some((p) => p.startsWith('lib/'))).toBe(false);
    await expect(as(owner).files.rename({ projectId, from: 'pkg/a.ts', to: 'notes.md' })).rejects.toMatchObject({ code: 'CONFLICT' });
    await expect(as(owner).files.rename({ projectId, from: 'pkg', to: 'pkg/inner' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as(owner).files.create({ projectId, path: 'pkg/a.ts/x', content: '' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });

  it('deletes a folder recursively; unknown paths are not found', async () => {
    expect(await as(owner).files.remove({ projectId, path: 'pkg' })).toMatchObject({ removed: 2 });
    await expect(as(owner).files.remove({ projectId, path: 'pkg' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('never lets a tab holding a deleted file overwrite the file made again at its path', async () => {
    const first = await as(owner).files.create({ projectId, path: 'again.txt', content: 'first' });
    await as(owner).files.remove({ projectId, path: 'again.txt' });
    const again = await as(owner).files.create({ projectId, path: 'again.txt', content: 'second' });
    expect(again.version).toBeGreaterThan(first.version);
    // The stale tab still holds 'first' at its version.
    await expect(
      as(owner).files.write({ projectId, path: 'again.txt', content: 'stale tab', expectedVersion: first.version }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    // A file moved onto a deleted path goes past both histories too.
    const moved = await as(owner).files.create({ projectId, path: 'moved.txt', content: 'm' });
    await as(owner).files.remove({ projectId, path: 'again.txt' });
    expect((await as(owner).files.rename({ projectId, from: 'moved.txt', to: 'again.txt' })).moved).toBe(1);
    const read = await as(owner).files.read({ projectId, path: 'again.txt' });
    expect(read).toMatchObject({ content: 'm' });
    expect(read.version).toBeGreaterThan(Math.max(again.version, moved.version));
  });

  it('keeps no row for a deleted or moved file: a create, move and delete loop leaves the rows it started with', async () => {
    const { id } = await as(owner).project.create({ title: 'churn' });
    const rows = async () => (await testDb.db.select().from(projectFile).where(eq(projectFile.projectId, id))).length;
    await as(owner).files.create({ projectId: id, path: 'keep.txt', content: 'k' });
    for (let i = 0; i < 5; i++) {
      await as(owner).files.create({ projectId: id, path: `tmp${i}/a.txt`, content: 'a' });
      await as(owner).files.rename({ projectId: id, from: `tmp${i}`, to: `moved${i}` });
      await as(owner).files.remove({ projectId: id, path: `moved${i}` });
    }
    expect(await rows()).toBe(1);
  });

  it("does not let another user read or write, and leaks nothing", async () => {
    await expect(as(stranger).files.read({ projectId, path: 'notes.md' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: 'Project not found.',
    });
    await expect(
      as(stranger).files.write({ projectId, path: 'notes.md', content: 'pwned', expectedVersion: 2 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await as(owner).files.read({ projectId, path: 'notes.md' })).content).toBe('v2 from tab A');
  });

  it('shares identical content between files as one blob', async () => {
    const a = await as(owner).files.create({ projectId, path: 'same1.txt', content: 'same' });
    const b = await as(owner).files.create({ projectId, path: 'same2.txt', content: 'same' });
    expect(a.hash).toBe(b.hash);
  });
});
