import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import type { User } from '@/db/schema';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { cardTitle, renderShareCard, sharedTitle } from '@/server/share/card';

let testDb: TestDb;
let owner: User;
beforeAll(async () => {
  testDb = await createTestDb();
  [owner] = (await seedUsers(testDb.db, 1)) as [User];
});
afterAll(() => testDb.close());
afterEach(() => vi.restoreAllMocks());

describe('share link preview card', () => {
  it('keeps only glyphs the bundled font has, so nothing is fetched from a CDN', () => {
    expect(cardTitle('Café  demo')).toBe('Café demo');
    expect(cardTitle('日本語 🚀 app')).toBe('··· · app');
    expect(cardTitle('\u202eevil')).toBe('·evil');
    expect(cardTitle('x'.repeat(200))).toHaveLength(80);
    expect(cardTitle('   ')).toBe('A shared project');
  });

  it('renders a PNG for a hostile title without any network request', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const res = renderShareCard('Ünïcode 🚀 日本語 <script>');
    const png = new Uint8Array(await res.arrayBuffer());
    expect(res.headers.get('content-type')).toBe('image/png');
    expect([...png.slice(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    // Its own wasm arrives as data: URLs; anything else would be a request leaving the server.
    expect(fetchSpy.mock.calls.map((c) => String(c[0])).filter((u) => !u.startsWith('data:'))).toEqual([]);
  }, 60_000);

  it('names the project for a live link only', async () => {
    const caller = createCaller(createContextInner({ db: testDb.db, user: owner }));
    const p = await caller.project.create({ title: 'Weather app' });
    const { slug } = await caller.share.rotate({ projectId: p.id });
    expect(await sharedTitle(testDb.db, slug)).toBe('Weather app');
    await caller.share.revoke({ projectId: p.id });
    expect(await sharedTitle(testDb.db, slug)).toBeUndefined();
    expect(await sharedTitle(testDb.db, '../x')).toBeUndefined();
  });
});
