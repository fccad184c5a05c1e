import { describe, expect, it, beforeAll, afterAll } from 'vitest';
import { hydrate, type DehydratedState } from '@tanstack/react-query';
import { createTRPCClient, httpBatchLink } from '@trpc/client';
import { createTRPCOptionsProxy } from '@trpc/tanstack-react-query';
import superjson, { type SuperJSONResult } from 'superjson';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import type { User } from '@/db/schema';
import { makeQueryClient } from '@/lib/trpc/query-client';
import type { AppRouter } from '@/server/api/root';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { revokeSession } from '@/db/queries/sessions';
import { sessionCookieFor } from '@/server/auth/request-user';
import { decodeSession, readCookie, SESSION_COOKIE } from '@/server/auth/session';
import { PREFETCH_MAX_FILE_CHARS, prefetchWorkbench } from '@/server/projects/workbench-prefetch';

let testDb: TestDb;
let alice: User;
let mallory: User;
const callerFor = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [alice, mallory] = (await seedUsers(testDb.db, 2)) as [User, User];
});
afterAll(() => testDb.close());

/** The data of the dehydrated query for a procedure (`files.read`…), decoded as the browser decodes it. */
function dataOf(state: DehydratedState | null, procedure: string): unknown {
  const query = state?.queries.find((q) => (q.queryKey[0] as string[]).join('.') === procedure);
  return query ? superjson.deserialize(query.state.data as SuperJSONResult) : undefined;
}

describe('prefetchWorkbench', () => {
  it("gives the owner's page the project, its tree, the main file's text and the sandbox's config, as the procedures return them", async () => {
    const { id } = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    const state = await prefetchWorkbench(testDb.db, await sessionCookieFor(testDb.db, alice.id), id);
    const project = await callerFor(alice).project.byId({ projectId: id });
    expect(dataOf(state, 'project.byId')).toEqual(project);
    expect(dataOf(state, 'files.tree')).toEqual(await callerFor(alice).files.tree({ projectId: id }));
    expect(dataOf(state, 'files.read')).toEqual(await callerFor(alice).files.read({ projectId: id, path: project.mainFile! }));
    expect(dataOf(state, 'sandbox.config')).toEqual(await callerFor(alice).sandbox.config({ projectId: id }));
    expect(state?.queries).toHaveLength(4);
  });

  it("lands in the browser's query cache under the keys the workbench reads", async () => {
    const { id } = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    const state = await prefetchWorkbench(testDb.db, await sessionCookieFor(testDb.db, alice.id), id);
    // The browser's side: its query client and tRPC's client-side keys (this test never sends a request).
    const queryClient = makeQueryClient();
    expect(state).not.toBeNull();
    hydrate(queryClient, state!);
    const link = httpBatchLink({ url: 'http://127.0.0.1:9/api/trpc', transformer: superjson });
    const trpc = createTRPCOptionsProxy<AppRouter>({ client: createTRPCClient<AppRouter>({ links: [link] }), queryClient });
    const project = queryClient.getQueryData(trpc.project.byId.queryKey({ projectId: id }));
    expect(project).toEqual(await callerFor(alice).project.byId({ projectId: id }));
    expect(queryClient.getQueryData(trpc.files.tree.queryKey({ projectId: id }))).toHaveLength((await callerFor(alice).files.tree({ projectId: id })).length);
    expect(queryClient.getQueryData(trpc.files.read.queryKey({ projectId: id, path: project!.mainFile! }))).toMatchObject({ path: project!.mainFile, encoding: 'utf8' });
    expect(queryClient.getQueryData(trpc.sandbox.config.queryKey({ projectId: id }))).toMatchObject({ role: 'owner' });
  });

  it('sends nothing of a project to a signed-in user without a role on it', async () => {
    const { id } = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    expect(await prefetchWorkbench(testDb.db, await sessionCookieFor(testDb.db, mallory.id), id)).toBeNull();
  });

  it('sends nothing without a live session: no cookie, a forged one, or an ended session', async () => {
    const { id } = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    const cookie = await sessionCookieFor(testDb.db, alice.id);
    expect(await prefetchWorkbench(testDb.db, null, id)).toBeNull();
    expect(await prefetchWorkbench(testDb.db, `${cookie.slice(0, -4)}AAAA`, id)).toBeNull();
    expect(await prefetchWorkbench(testDb.db, `ide_session=${alice.id}`, id)).toBeNull();
    await revokeSession(testDb.db, decodeSession(readCookie(cookie, SESSION_COOKIE))!.sessionId);
    expect(await prefetchWorkbench(testDb.db, cookie, id)).toBeNull();
  });

  it('leaves a main file past the size cap for the browser to fetch', async () => {
    const { id } = await callerFor(alice).project.create({ template: 'vite-react-ts' });
    const { mainFile } = await callerFor(alice).project.byId({ projectId: id });
    const file = await callerFor(alice).files.read({ projectId: id, path: mainFile! });
    await callerFor(alice).files.write({ projectId: id, path: mainFile!, encoding: 'utf8', content: 'x'.repeat(PREFETCH_MAX_FILE_CHARS + 1), expectedVersion: file.version });
    const state = await prefetchWorkbench(testDb.db, await sessionCookieFor(testDb.db, alice.id), id);
    expect(dataOf(state, 'project.byId')).toMatchObject({ mainFile });
    expect(dataOf(state, 'files.read')).toBeUndefined();
  });
});
