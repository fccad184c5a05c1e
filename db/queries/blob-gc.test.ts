import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { collectBlobs } from '@/db/queries/blob-gc';
import { hashBytes, putBlob } from '@/db/queries/blobs';
import { appendMessages, createChat } from '@/db/queries/chats';
import { createCheckpoint } from '@/db/queries/checkpoints';
import { createFiles, deletePath, readFile, writeFile } from '@/db/queries/files';
import { insertProject } from '@/db/queries/projects';
import { blob, designRound, projectDesign, projectFile, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';

let testDb: TestDb;
let owner: User;
const enc = (s: string) => new TextEncoder().encode(s);
const GRACE = 60 * 60_000;
const exists = async (hash: string) => (await testDb.db.select({ hash: blob.hash }).from(blob).where(eq(blob.hash, hash))).length === 1;
/** Makes a blob look as if it was stored long ago (past the grace period). */
const age = (hash: string) => testDb.db.update(blob).set({ createdAt: sql`now() - interval '2 days'` }).where(eq(blob.hash, hash));

beforeAll(async () => {
  testDb = await createTestDb();
  [owner] = (await seedUsers(testDb.db, 1)) as [User];
});
afterAll(() => testDb.close());

const project = async () => (await insertProject(testDb.db, { ownerId: owner.id, title: 'p', template: null })).id;

describe('collectBlobs', () => {
  it('deletes old blobs nothing points at, keeps those of files and checkpoints', async () => {
    const projectId = await project();
    await createFiles(testDb.db, projectId, [{ path: 'a.txt', content: enc('in a file') }, { path: 'b.txt', content: enc('in a checkpoint') }]);
    await createCheckpoint(testDb.db, { projectId, kind: 'manual', message: 'c', chatId: null, userId: owner.id });
    await deletePath(testDb.db, projectId, 'b.txt');
    const orphan = await putBlob(testDb.db, enc('nobody'));
    for (const h of [orphan, hashBytes(enc('in a file')), hashBytes(enc('in a checkpoint'))]) await age(h);

    const { deleted } = await collectBlobs(testDb.db, { graceMs: GRACE });
    expect(deleted).toBeGreaterThanOrEqual(1);
    expect(await exists(orphan)).toBe(false);
    expect(await exists(hashBytes(enc('in a file')))).toBe(true);
    expect(await exists(hashBytes(enc('in a checkpoint')))).toBe(true);
    expect(new TextDecoder().decode((await readFile(testDb.db, projectId, 'a.txt'))!.content)).toBe('in a file');
  });

  it('keeps chat images (named inside message content) and the images of the design loop', async () => {
    const projectId = await project();
    const chat = await createChat(testDb.db, projectId);
    const shown = await putBlob(testDb.db, enc('a chat image'));
    const other = await putBlob(testDb.db, enc('a chat image nobody names'));
    await appendMessages(testDb.db, chat.id, [{ role: 'user', content: { kind: 'user', text: 'like this', images: [`image:${shown}.png`] } }]);
    const design = await putBlob(testDb.db, enc('design'));
    const capture = await putBlob(testDb.db, enc('capture'));
    const diff = await putBlob(testDb.db, enc('diff'));
    await testDb.db.insert(projectDesign).values({ projectId, designHash: design, width: 10, height: 10 });
    await testDb.db.insert(designRound).values({ projectId, round: 1, captureHash: capture, diffHash: diff, score: { score: 50, parts: { structure: 50, pixels: 50, colour: 50, layout: 50 } } });
    for (const h of [shown, other, design, capture, diff]) await age(h);

    await collectBlobs(testDb.db, { graceMs: GRACE });
    for (const h of [shown, design, capture, diff]) expect(await exists(h)).toBe(true);
    expect(await exists(other)).toBe(false);
  });

  it('spares a new blob whose file row is not written yet (the collector runs between the two statements)', async () => {
    const projectId = await project();
    const content = enc('racing write');
    const hash = await putBlob(testDb.db, content);
    await collectBlobs(testDb.db, { graceMs: GRACE });
    await testDb.db.insert(projectFile).values({ projectId, path: 'race.txt', blobHash: hash, size: content.byteLength });
    expect(new TextDecoder().decode((await readFile(testDb.db, projectId, 'race.txt'))!.content)).toBe('racing write');
  });

  it('spares an old orphan blob that a write is reusing right now', async () => {
    const projectId = await project();
    const content = enc('old content, written again');
    const hash = await putBlob(testDb.db, content);
    await age(hash);
    await putBlob(testDb.db, content); // the write's first statement: the blob exists, its age is refreshed
    await collectBlobs(testDb.db, { graceMs: GRACE });
    await testDb.db.insert(projectFile).values({ projectId, path: 'reuse.txt', blobHash: hash, size: content.byteLength });
    expect((await readFile(testDb.db, projectId, 'reuse.txt'))?.hash).toBe(hash);
  });

  it('never breaks concurrent writes, however they interleave with collections', async () => {
    const projectId = await project();
    await createFiles(testDb.db, projectId, [{ path: 'x.txt', content: enc('0') }]);
    for (let i = 1; i <= 5; i++) await age(hashBytes(enc(String(i))));
    const writes = (async () => {
      for (let v = 1; v <= 20; v++) await writeFile(testDb.db, { projectId, path: 'x.txt', content: enc(String(v % 5)), expectedVersion: v });
    })();
    const collections = (async () => {
      for (let i = 0; i < 20; i++) await collectBlobs(testDb.db, { graceMs: 0, now: new Date(Date.now() - 1000) });
    })();
    await Promise.all([writes, collections]);
    const file = await readFile(testDb.db, projectId, 'x.txt');
    expect(new TextDecoder().decode(file!.content)).toBe('0');
    expect(file!.version).toBe(21);
  });
});
