import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putBlob } from '@/db/queries/blobs';
import { createTestDb, type TestDb } from '@/db/testing';
import { relationGrowth, relationSizes } from '@/bench/lib/relation-sizes';

let testDb: TestDb;
beforeAll(async () => {
  testDb = await createTestDb();
});
afterAll(() => testDb.close());

describe('relationSizes', () => {
  it('sees a table grow on disk by at least the bytes written into it, and names no table that did not', async () => {
    const before = await relationSizes(testDb.db);
    expect(before.get('project_file')).toMatchObject({ heap: expect.any(Number), indexes: expect.any(Number) });
    const written = 200 * 1000;
    // Random bytes: PostgreSQL would compress anything repetitive below what was written.
    for (let i = 0; i < 200; i++) await putBlob(testDb.db, randomBytes(1000));
    const grown = relationGrowth(before, await relationSizes(testDb.db));
    expect([...grown.keys()]).toEqual(['blob']);
    const blob = grown.get('blob')!;
    expect(blob.heap + blob.toast).toBeGreaterThanOrEqual(written);
    expect(blob.indexes).toBeGreaterThan(0);
    expect(blob.total).toBe(blob.heap + blob.indexes + blob.toast + blob.maps);
  });
});
