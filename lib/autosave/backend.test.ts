import { createTRPCClient, httpBatchLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDb, type TestDb } from '@/db/testing';
import { classifySaveError, createFilesBackend } from '@/lib/autosave/backend';
import { createMemoryJournal } from '@/lib/autosave/journal';
import { FilesStore } from '@/lib/stores/files';
import { serveTrpc, type ServedTrpc } from '@/server/api/testing';
import type { AppRouter } from '@/server/api/root';

// The browser's tRPC client against the real tRPC listener and a real database; "the server is
// down" is a fetch that cannot connect, as when the process is stopped.
let testDb: TestDb;
let served: ServedTrpc;
const handle = (req: Request) => served.handle(req);
let cookie = '';
let serverDown = false;

const fetchToHandler: typeof fetch = async (input, init) => {
  if (serverDown) throw new TypeError('fetch failed');
  const req = new Request(input as string, init);
  if (cookie) req.headers.set('cookie', cookie);
  const res = await handle(req);
  const set = res.headers.get('set-cookie');
  if (set) cookie = set.split(';')[0]!;
  return res;
};

const client = createTRPCClient<AppRouter>({
  links: [httpBatchLink({ url: 'http://localhost/api/trpc', transformer: superjson, fetch: fetchToHandler })],
});

let projectId: string;
beforeAll(async () => {
  testDb = await createTestDb();
  served = await serveTrpc({ getDb: async () => testDb.db });
  projectId = (await client.project.create.mutate({ template: 'vite-react-ts' })).id;
});
afterAll(async () => {
  await served.close();
  await testDb.close();
});

describe('files backend over tRPC', () => {
  it('classifies real errors: conflict, gone, rejected, offline', async () => {
    const backend = createFilesBackend(client, projectId);
    const app = (await backend.read('src/App.tsx'))!;
    expect(app.version).toBe(1);
    await backend.write('src/App.tsx', app.content, 1);
    const stale = await backend.write('src/App.tsx', 'x', 1).catch((e: unknown) => e);
    expect(classifySaveError(stale)).toBe('conflict');
    const gone = await backend.write('nope.ts', 'x', 1).catch((e: unknown) => e);
    expect(classifySaveError(gone)).toBe('gone');
    expect(await backend.read('nope.ts')).toBeNull();
    const bad = await backend.write('../escape.ts', 'x', 1).catch((e: unknown) => e);
    expect(classifySaveError(bad)).toBe('rejected');
    serverDown = true;
    const down = await backend.write('src/App.tsx', 'x', 2).catch((e: unknown) => e);
    serverDown = false;
    expect(classifySaveError(down)).toBe('offline');
  });

  it('an edit made while the server is down is journaled, then lands when it is back', async () => {
    const journal = createMemoryJournal();
    const backend = createFilesBackend(client, projectId);
    const files = new FilesStore({
      projectId,
      clientId: 'tab',
      backend,
      journal,
      classify: classifySaveError,
      saveDelayMs: 5,
      retryDelaysMs: [20],
    });
    files.open((await backend.read('src/math.ts'))!);
    serverDown = true;
    files.edit('src/math.ts', 'export const add = (a: number, b: number) => a + b + 0;\n');
    await vi.waitFor(() => expect(files.saveState.get()).toBe('offline'));
    expect(journal.entries()).toHaveLength(1);
    serverDown = false;
    await vi.waitFor(() => expect(files.saveState.get()).toBe('saved'));
    expect((await backend.read('src/math.ts'))!).toMatchObject({ version: 2, content: expect.stringContaining('a + b + 0') });
    expect(journal.entries()).toEqual([]);
    files.dispose();
  });
});
