import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import type { User } from '@/db/schema';
import { createCaller } from '@/server/api/root';
import { serveTrpc, type ServedTrpc } from '@/server/api/testing';
import { createContextInner } from '@/server/api/trpc';
import { sessionCookieFor } from '@/server/auth/request-user';

// The live views over real HTTP: tRPC subscriptions as server-sent events from the same listener as
// server/main.ts. A student's save reaches the teacher's dashboard within 2 s; nobody else may subscribe.

let testDb: TestDb;
let served: ServedTrpc;
let teacher: User, student: User, stranger: User;
let workshopId: string;
let forkId: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [teacher, student, stranger] = (await seedUsers(testDb.db, 3)) as [User, User, User];
  served = await serveTrpc({ getDb: async () => testDb.db });
  const starter = (await as(teacher).project.create({ title: 'starter' })).id;
  await as(teacher).files.create({ projectId: starter, path: 'index.js', content: '1' });
  const w = await as(teacher).workshop.create({ projectId: starter, title: 'Live class' });
  workshopId = w.id;
  forkId = (await as(student).workshop.join({ code: w.code, displayName: 'Liv' })).projectId;
});
afterAll(async () => {
  await served.close();
  await testDb.close();
});

/** Opens a subscription as SSE (what httpSubscriptionLink does); `next()` resolves with the next event's data. */
async function subscribe(path: string, input: unknown, user: User) {
  const controller = new AbortController();
  const url = `${served.url}/api/trpc/${path}?input=${encodeURIComponent(JSON.stringify(superjson.serialize(input)))}`;
  const res = await fetch(url, { headers: { cookie: await sessionCookieFor(testDb.db, user.id), accept: 'text/event-stream' }, signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  return {
    contentType: res.headers.get('content-type'),
    async next(): Promise<{ event: string; data: unknown }> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1] ?? 'message';
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (data === undefined || event === 'ping' || event === 'connected') continue;
          return { event, data: superjson.deserialize((JSON.parse(data) as { json?: unknown }).json !== undefined ? JSON.parse(data) : { json: JSON.parse(data) }) };
        }
        const { value, done } = await reader.read();
        if (done) throw new Error('the stream ended');
        buffer += value;
      }
    },
    close: () => controller.abort(),
  };
}

describe('live workshop views (SSE)', () => {
  it('brings a student’s save to the teacher’s dashboard within 2 s', async () => {
    const live = await subscribe('workshop.dashboardLive', { workshopId }, teacher);
    expect(live.contentType).toMatch(/^text\/event-stream/);
    const first = (await live.next()).data as { students: { displayName: string; filesChanged: number }[] };
    expect(first.students).toEqual([expect.objectContaining({ displayName: 'Liv', filesChanged: 0 })]);
    const saved = performance.now();
    await as(student).files.write({ projectId: forkId, path: 'index.js', content: '2', expectedVersion: 1 });
    const next = (await live.next()).data as { students: { filesChanged: number }[] };
    const staleness = performance.now() - saved;
    live.close();
    expect(next.students[0]!.filesChanged).toBe(1);
    expect(staleness).toBeLessThan(2000);
  });

  it('brings an announcement to the student at once', async () => {
    const live = await subscribe('workshop.forProjectLive', { projectId: forkId }, student);
    expect(((await live.next()).data as { announcement: string | null }).announcement).toBeNull();
    const sent = performance.now();
    await as(teacher).workshop.announce({ workshopId, text: 'Five minutes left' });
    expect(((await live.next()).data as { announcement: string }).announcement).toBe('Five minutes left');
    expect(performance.now() - sent).toBeLessThan(500);
    live.close();
  });

  it('refuses the dashboard to a student and a stranger, and a fork to another student', async () => {
    for (const user of [student, stranger]) {
      const live = await subscribe('workshop.dashboardLive', { workshopId }, user);
      const refused = await live.next();
      live.close();
      expect(refused.event).toBe('serialized-error');
      expect(JSON.stringify(refused.data)).toContain('not_found:workshop');
    }
    const other = await subscribe('workshop.forProjectLive', { projectId: forkId }, stranger);
    const refused = await other.next();
    other.close();
    expect(refused.event).toBe('serialized-error');
    expect(JSON.stringify(refused.data)).toContain('not_found:project');
  });
});
