import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getProjectById } from '@/db/queries/projects';
import { user as userTable } from '@/db/schema';
import { run } from '@/lib/sandbox/conformance/suite';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import { SandboxSync, type SyncBackend } from '@/lib/sandbox/sync';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// The sync between the database and a real host sandbox, through the same tRPC procedures the page
// uses: mount, sandbox changes saved back (minus ignored paths), no echo of our own writes, and the
// sandbox following changes made elsewhere.

let server: SandboxTestServer;
let sandbox: HostSandbox;
let sync: SandboxSync;
let api: ReturnType<typeof createCaller>;
let projectId: string;
const skipped: string[] = [];

const tree = async () => Object.fromEntries((await api.files.tree({ projectId })).map((f) => [f.path, f.version]));
const text = async (path: string) => (await api.files.read({ projectId, path })).content;

async function until<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string): Promise<T> {
  const end = Date.now() + 15_000;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  server = await startSandboxTestServer();
  projectId = server.projectId;
  const db = server.testDb.db;
  const project = await getProjectById(db, projectId);
  const [owner] = await db.select().from(userTable).where(eq(userTable.id, project?.ownerId ?? ''));
  if (!owner) throw new Error('no owner');
  api = createCaller(createContextInner({ db, user: owner }));
  await api.files.create({ projectId, path: 'src/a.ts', content: 'export const a = 1;\n' });
  await api.files.create({ projectId, path: 'src/gone.ts', content: 'export {};\n' });
  await api.files.create({ projectId, path: '.gitignore', content: '*.log\n' });
  sandbox = await createHostSandbox({ projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
  const backend: SyncBackend = {
    snapshot: () => api.sandbox.snapshot({ projectId }),
    read: (path) => api.files.read({ projectId, path }),
    apply: (changes) => api.sandbox.applyChanges({ projectId, ...changes }),
  };
  sync = new SandboxSync({ sandbox, backend, debounceMs: 50, onSkipped: (s) => skipped.push(...s.map((x) => x.path)) });
  expect(await sync.mount()).toBe(3);
});

afterAll(async () => {
  sync?.stop();
  await sandbox?.dispose();
  await server?.close();
});

describe('SandboxSync on the host sandbox', () => {
  it('mounts the database files into the sandbox', async () => {
    expect(await sandbox.fs.readTextFile('src/a.ts')).toBe('export const a = 1;\n');
    expect((await sandbox.fs.readdir('src')).map((e) => e.name).sort()).toEqual(['a.ts', 'gone.ts']);
  });

  it('saves files made by commands, leaving out dependencies and ignored files', async () => {
    const { exit } = await run(sandbox, 'sh', [
      '-c',
      'echo made > made.txt && mkdir -p node_modules/x dist/assets && echo 1 > node_modules/x/i.js && echo 2 > dist/assets/a.js && echo log > debug.log',
    ]);
    expect(exit.code).toBe(0);
    await until(tree, (t) => 'made.txt' in t, 'made.txt saved');
    await sync.flush();
    const paths = Object.keys(await tree());
    expect(paths).not.toContain('node_modules/x/i.js');
    expect(paths).not.toContain('dist/assets/a.js');
    expect(paths).not.toContain('debug.log');
    expect(await text('made.txt')).toBe('made\n');
  });

  it('does not echo its own writes back to the database', async () => {
    const before = await tree();
    await sync.push('src/a.ts', 'export const a = 2; // saved by the editor\n');
    expect(await sandbox.fs.readTextFile('src/a.ts')).toContain('a = 2');
    await new Promise((r) => setTimeout(r, 600));
    await sync.flush();
    expect(await tree()).toEqual(before);
  });

  it('follows changes made elsewhere: written and deleted files', async () => {
    const written = await api.files.write({ projectId, path: 'made.txt', content: 'from another tab\n', expectedVersion: (await tree())['made.txt'] ?? 0 });
    await api.files.remove({ projectId, path: 'src/gone.ts' });
    await sync.reconcile(await api.files.tree({ projectId }), Date.now());
    expect(await sandbox.fs.readTextFile('made.txt')).toBe('from another tab\n');
    await expect(sandbox.fs.readTextFile('src/gone.ts')).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 600));
    await sync.flush();
    const after = await tree();
    expect(after['made.txt']).toBe(written.version);
    expect(after).not.toHaveProperty('src/gone.ts');
  });

  it('deletes in the database what a command deleted in the sandbox', async () => {
    await run(sandbox, 'rm', ['made.txt']);
    await until(tree, (t) => !('made.txt' in t), 'made.txt removed');
    expect(skipped).toEqual([]);
  });

  it('settle resolves only once what a command just wrote is saved (the after-turn checkpoint waits on it)', async () => {
    await run(sandbox, 'sh', ['-c', 'for i in 1 2; do echo "$i" > "settled-$i.txt"; done']);
    // One more write lands a moment after settle is called, as the watch events of a command that just ended may.
    const late = await sandbox.spawn('sh', ['-c', 'sleep 0.1; echo 3 > settled-3.txt']);
    await sync.settle();
    expect(Object.keys(await tree()).filter((p) => p.startsWith('settled-'))).toEqual(['settled-1.txt', 'settled-2.txt', 'settled-3.txt']);
    await late.exit;
  });
});
