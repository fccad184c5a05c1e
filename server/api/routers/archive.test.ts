import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count } from 'drizzle-orm';
import { zipSync } from 'fflate';
import { blob, project, projectFile, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { TRPC_BODY_LIMITS, trpcBodyLimit } from '@/server/api/http';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

let testDb: TestDb;
let owner: User;
let stranger: User;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));
const enc = (s: string) => new TextEncoder().encode(s);
const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const rows = async () => ({
  projects: (await testDb.db.select({ n: count() }).from(project))[0]!.n,
  files: (await testDb.db.select({ n: count() }).from(projectFile))[0]!.n,
  blobs: (await testDb.db.select({ n: count() }).from(blob))[0]!.n,
});

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, stranger] = (await seedUsers(testDb.db, 2)) as [User, User];
});
afterAll(() => testDb.close());

describe('archive router', () => {
  it('exports a project and imports it as a new one, binary files byte for byte', async () => {
    const { id: projectId } = await as(owner).project.create({ title: 'My App!' });
    const binary = Uint8Array.from({ length: 5000 }, (_, i) => (i * 37) % 256);
    await as(owner).files.create({ projectId, path: 'index.html', content: '<h1>hi</h1>' });
    await as(owner).files.create({ projectId, path: 'img/logo.png', content: b64(binary), encoding: 'base64' });
    await as(owner).sandbox.applyChanges({ projectId, put: [{ path: 'dist/out.js', content: 'built', encoding: 'utf8' }], remove: [] });

    const exported = await as(owner).archive.export({ projectId });
    expect(exported.fileName).toBe('My-App.zip');
    await expect(as(stranger).archive.export({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });

    const imported = await as(stranger).archive.import({ title: 'copy', zip: exported.zip });
    expect(imported.files).toBe(2);
    const tree = await as(stranger).files.tree({ projectId: imported.id });
    expect(tree.map((f) => f.path)).toEqual(['img/logo.png', 'index.html']);
    const logo = await as(stranger).files.read({ projectId: imported.id, path: 'img/logo.png' });
    expect(logo.encoding).toBe('base64');
    expect(Buffer.from(logo.content, 'base64').equals(Buffer.from(binary))).toBe(true);
  });

  it.each([
    ['zip-slip', { 'ok.txt': enc('fine'), '../../evil.txt': enc('x') }, 'BAD_REQUEST', /outside the project/],
    ['absolute path', { 'ok.txt': enc('fine'), '/etc/evil': enc('x') }, 'BAD_REQUEST', /absolute path/],
    ['clashing paths', { a: enc('file'), 'a/b.txt': enc('x') }, 'CONFLICT', /already exists/],
  ])('refuses a %s archive and writes nothing', async (_, tree, trpcCode, message) => {
    const before = await rows();
    await expect(as(owner).archive.import({ title: 'bad', zip: b64(zipSync(tree)) })).rejects.toMatchObject({ code: trpcCode, message: expect.stringMatching(message) });
    expect(await rows()).toEqual(before);
  });

  it('refuses a zip bomb and writes nothing', async () => {
    const before = await rows();
    const tree = Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`z${i}`, new Uint8Array(2 * 1024 * 1024 - 1)]));
    await expect(as(owner).archive.import({ title: 'bomb', zip: b64(zipSync(tree, { level: 9 })) })).rejects.toMatchObject({
      code: 'PAYLOAD_TOO_LARGE',
      message: expect.stringMatching(/zip bomb/),
    });
    expect(await rows()).toEqual(before);
  });

  it('validates the upload: base64 only, capped in size', async () => {
    await expect(as(owner).archive.import({ title: 'x', zip: 'not base64!' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/must be base64/) });
    await expect(as(owner).archive.import({ title: 'x', zip: 'A'.repeat(23 * 1024 * 1024) })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/larger than 16 MiB/) });
  });

  it('caps the upload body at the large limit only for archive.import (and the anonymous cap without a session)', () => {
    const LARGE = 24 * 1024 * 1024;
    expect(trpcBodyLimit('/api/trpc/archive.import', true, LARGE)).toBe(LARGE);
    expect(trpcBodyLimit('/api/trpc/archive.export', true, LARGE)).toBe(TRPC_BODY_LIMITS.small);
    expect(trpcBodyLimit('/api/trpc/archive.import', false, LARGE)).toBe(TRPC_BODY_LIMITS.anonymous);
  });
});
