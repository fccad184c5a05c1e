import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { projectMember, type User } from '@/db/schema';
import { FILE_LIMITS } from '@/lib/files/limits';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

let testDb: TestDb;
let owner: User;
let viewer: User;
let stranger: User;
let projectId: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, viewer, stranger] = (await seedUsers(testDb.db, 3)) as [User, User, User];
  projectId = (await as(owner).project.create({ template: 'node-vitest' })).id;
  await testDb.db.insert(projectMember).values({ projectId, userId: viewer.id, role: 'viewer' });
});
afterAll(() => testDb.close());

describe('sandbox router', () => {
  it('snapshots every file with its contents', async () => {
    const tree = await as(owner).files.tree({ projectId });
    const snapshot = await as(viewer).sandbox.snapshot({ projectId });
    expect(snapshot.map((f) => f.path)).toEqual(tree.map((f) => f.path));
    const pkg = snapshot.find((f) => f.path === 'package.json');
    expect(JSON.parse(pkg?.content ?? '{}')).toHaveProperty('scripts.test');
  });

  it('applies changes made in the sandbox whatever the version, and skips unchanged files', async () => {
    const before = await as(owner).files.read({ projectId, path: 'package.json' });
    const result = await as(owner).sandbox.applyChanges({
      projectId,
      put: [
        { path: 'package.json', content: before.content, encoding: 'utf8' },
        { path: 'src/generated.ts', content: 'export const x = 1;\n', encoding: 'utf8' },
        { path: 'logo.bin', content: Buffer.from([0, 1, 2, 255]).toString('base64'), encoding: 'base64' },
      ],
      remove: [],
    });
    expect(result.written.map((w) => w.path)).toEqual(['src/generated.ts', 'logo.bin']);
    expect((await as(owner).files.read({ projectId, path: 'package.json' })).version).toBe(before.version);
    const again = await as(owner).sandbox.applyChanges({
      projectId,
      put: [{ path: 'src/generated.ts', content: 'export const x = 2;\n', encoding: 'utf8' }],
      remove: ['logo.bin'],
    });
    expect(again).toMatchObject({ written: [{ path: 'src/generated.ts', version: 2 }], removed: ['logo.bin'] });
    await expect(as(owner).files.read({ projectId, path: 'logo.bin' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('removes whole folders and skips what breaks the limits, with the reason', async () => {
    const big = 'x'.repeat(FILE_LIMITS.maxFileBytes + 1);
    const result = await as(owner).sandbox.applyChanges({
      projectId,
      put: [
        { path: 'big.txt', content: big, encoding: 'utf8' },
        { path: 'src/generated.ts/inner.ts', content: '', encoding: 'utf8' },
      ],
      remove: ['src'],
    });
    expect(result.removed).toContain('src/generated.ts');
    expect(result.skipped).toEqual([{ path: 'big.txt', reason: expect.stringContaining('larger than') }]);
    expect(result.written.map((w) => w.path)).toEqual(['src/generated.ts/inner.ts']);
  });

  it('rejects traversal paths and keeps viewers and strangers out', async () => {
    await expect(
      as(owner).sandbox.applyChanges({ projectId, put: [{ path: '../escape.txt', content: 'x', encoding: 'utf8' }], remove: [] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as(viewer).sandbox.applyChanges({ projectId, put: [], remove: ['package.json'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(stranger).sandbox.snapshot({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await as(owner).files.tree({ projectId })).some((f) => f.path === 'package.json')).toBe(true);
  });

  it('stores settings for the owner only and resolves defaults', async () => {
    expect((await as(viewer).sandbox.config({ projectId })).settings).toEqual({ network: 'allowlist', approval: 'ask', sandbox: 'auto' });
    await expect(as(viewer).sandbox.updateSettings({ projectId, network: 'off' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await as(owner).sandbox.updateSettings({ projectId, network: 'off' })).toMatchObject({ network: 'off', approval: 'ask' });
    expect(await as(owner).sandbox.updateSettings({ projectId, approval: 'auto' })).toMatchObject({ network: 'off', approval: 'auto' });
    // @ts-expect-error an unknown policy is refused by the schema
    await expect(as(owner).sandbox.updateSettings({ projectId, network: 'everything' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
