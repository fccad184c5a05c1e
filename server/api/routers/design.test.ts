import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { projectMember, type User } from '@/db/schema';
import { env } from '@/lib/env';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

// design.start / score / state on a real PGlite: the design is checked and kept, each capture is
// scored against it and stored as a round, and the loop says when to stop. Roles through the
// project procedures.

let testDb: TestDb;
let owner: User;
let viewer: User;
let stranger: User;
let projectId: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

/** A 320×200 white page with a dark bar and a blue box; `offset` moves the box, `blank` leaves it out. */
function page(options: { blank?: boolean; offset?: number } = {}): string {
  const png = new PNG({ width: 320, height: 200 });
  png.data.fill(255);
  const rect = (x0: number, y0: number, w: number, h: number, rgb: number[]) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) png.data.set([...rgb, 255], (y * 320 + x) * 4);
  };
  rect(0, 0, 320, 24, [15, 23, 42]);
  if (!options.blank) rect(40 + (options.offset ?? 0), 60, 120, 60, [37, 99, 235]);
  return `data:image/png;base64,${PNG.sync.write(png).toString('base64')}`;
}

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, viewer, stranger] = (await seedUsers(testDb.db, 3)) as [User, User, User];
  projectId = (await as(owner).project.create({ template: 'vite-react-tailwind' })).id;
  await testDb.db.insert(projectMember).values({ projectId, userId: viewer.id, role: 'viewer' });
});
afterAll(async () => {
  await testDb.close();
});

describe('design router', () => {
  it('keeps the design, scores captures as rounds, and stops at the target', async () => {
    expect(await as(owner).design.state({ projectId })).toBeNull();
    expect(await as(owner).design.start({ projectId, image: page() })).toEqual({ width: 320, height: 200 });
    const first = await as(owner).design.score({ projectId, capture: page({ blank: true }) });
    expect(first).toMatchObject({ round: 1, decision: 'continue' });
    expect(first.score).toBeLessThan(env.DESIGN_TARGET_SCORE);
    const second = await as(owner).design.score({ projectId, capture: page() });
    expect(second).toMatchObject({ round: 2, score: 100, decision: 'target_reached', message: expect.stringMatching(/target score is reached/) });
    const state = (await as(viewer).design.state({ projectId }))!;
    expect(state.design).toMatchObject({ width: 320, height: 200, url: expect.stringMatching(/^data:image\/png;base64,/) });
    expect(state.rounds.map((r) => [r.round, r.score])).toEqual([
      [1, first.score],
      [2, 100],
    ]);
    expect(state.latest).toMatchObject({ round: 2, score: 100, capture: expect.stringMatching(/^data:image\/png/), diff: expect.stringMatching(/^data:image\/png/) });
  });

  it('lets only editors start and score, and hides the design from strangers', async () => {
    await expect(as(viewer).design.score({ projectId, capture: page() })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(viewer).design.start({ projectId, image: page() })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(stranger).design.state({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(stranger).design.score({ projectId, capture: page() })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a design that is not an image by content, a capture that is not a PNG, and scoring without a design', async () => {
    const fake = `data:image/png;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`;
    await expect(as(owner).design.start({ projectId, image: fake })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as(owner).design.score({ projectId, capture: fake })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not a PNG/) });
    const plain = (await as(owner).project.create({ title: 'plain' })).id;
    await expect(as(owner).design.score({ projectId: plain, capture: page() })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'This project was not started from a design.' });
  });
});
