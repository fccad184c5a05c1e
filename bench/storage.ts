// npm run bench:storage — what sharing costs. (1) 40 forks of the Vite template, each with a small edit:
// bytes stored against one copy (a fork is a project row over its source's tree, stored once and shared;
// its edit is a blob and one own file row) and the time per fork. (2) A share
// link opened by a new identity → its own host sandbox mounted (node_modules seeded from the pre-warmed
// installed-dependencies cache), `npm install` (network off; finds them up to date), the dev server's first
// page served through the preview proxy.
import path from 'node:path';
import { sql } from 'drizzle-orm';
import WS from 'ws';
import { median, percentile, runBench, type Row } from '@/bench/harness';
import { relationGrowth, relationSizes, resultRows } from '@/bench/lib/relation-sizes';
import { createFiles, readFile, writeFile } from '@/db/queries/files';
import { insertProject } from '@/db/queries/projects';
import { ensureUser, getUserById } from '@/db/queries/users';
import { createTestDb, seedUsers } from '@/db/testing';
import type { Db } from '@/db/client';
import type { User } from '@/db/schema';
import { createHostSandbox } from '@/lib/sandbox/host-client';
import type { WebSocketConstructor } from '@/lib/sandbox/host-client/client';
import { previewEntryUrl } from '@/lib/stores/preview';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { sessionCookieFor } from '@/server/auth/request-user';
import { newUserId } from '@/server/auth/session';
import { forkProject } from '@/server/projects/fork';
import { prewarmNpmCache } from '@/server/sandbox-host/npm-cache';
import { startSandboxTestServer } from '@/server/sandbox-host/testing';
import { viteReactTemplate } from '@/server/templates/vite-react';

const FORKS = 40;

/** Bytes the rows of the content tables hold (pg_column_size of whole rows, without page slack or indexes). */
async function storedBytes(db: Db): Promise<{ blob: number; content: number; fileRows: number; treeRows: number; projectRows: number; database: number }> {
  const one = async (query: ReturnType<typeof sql>) => Number(resultRows<{ n: string | number | null }>(await db.execute(query))[0]?.n ?? 0);
  return {
    blob: await one(sql`select coalesce(sum(pg_column_size(b.*)), 0) as n from blob b`),
    /** The file contents alone, as written (a blob row adds its hash, size and time to them). */
    content: await one(sql`select coalesce(sum(b.size), 0) as n from blob b`),
    fileRows: await one(sql`select coalesce(sum(pg_column_size(f.*)), 0) as n from project_file f`),
    /** Shared trees: their rows and their file lists (tree_file). */
    treeRows: await one(sql`select (select coalesce(sum(pg_column_size(t.*)), 0) from tree t) + (select coalesce(sum(pg_column_size(f.*)), 0) from tree_file f) as n`),
    projectRows: await one(sql`select coalesce(sum(pg_column_size(p.*)), 0) as n from project p`),
    database: await one(sql`select pg_database_size(current_database()) as n`),
  };
}

async function forks(rows: Row[]) {
  const testDb = await createTestDb();
  const db = testDb.db;
  try {
    const [owner, forker] = (await seedUsers(db, 2)) as [User, User];
    const before = await storedBytes(db);
    const source = await insertProject(db, { ownerId: owner.id, title: 'vite', template: viteReactTemplate.id });
    const encoder = new TextEncoder();
    await createFiles(db, source.id, Object.entries(viteReactTemplate.files).map(([p, text]) => [p, encoder.encode(text)] as const).map(([p, content]) => ({ path: p, content })));
    const oneCopy = await storedBytes(db);
    const oneCopyDisk = await relationSizes(db);
    const forkMs: number[] = [];
    let editBytes = 0;
    for (let i = 0; i < FORKS; i++) {
      const started = performance.now();
      const fork = await forkProject(db, { sourceProjectId: source.id, ownerId: forker.id });
      forkMs.push(performance.now() - started);
      // The small edit: one line appended to App.tsx; content-addressed, so the whole edited file is a new blob.
      const app = (await readFile(db, fork.id, 'src/App.tsx'))!;
      const edited = encoder.encode(`${new TextDecoder().decode(app.content)}// fork ${i}\n`);
      editBytes += edited.byteLength;
      await writeFile(db, { projectId: fork.id, path: 'src/App.tsx', content: edited, expectedVersion: app.version });
    }
    const after = await storedBytes(db);
    const rowsOf = (s: typeof before) => s.blob + s.fileRows + s.treeRows + s.projectRows;
    const copy = rowsOf(oneCopy) - rowsOf(before);
    const total = rowsOf(after) - rowsOf(before);
    const copyContent = oneCopy.content - before.content;
    const contentsAdded = after.content - oneCopy.content;
    const editRows = after.blob - oneCopy.blob;
    // Each edit is also one own file row (path → the new blob): the least an edit can cost besides its contents.
    const editFileRows = after.fileRows - oneCopy.fileRows;
    const perFork = (n: number) => Math.round(n / FORKS);
    // A fork cannot do without its project row (the owner is on it; forks have no member row).
    const floor = perFork(after.projectRows - oneCopy.projectRows);
    const disk = relationGrowth(oneCopyDisk, await relationSizes(db));
    rows.push({ measure: 'one copy of the Vite template (blob + file + tree + project rows)', value: copy, unit: 'bytes' });
    rows.push({ measure: '… of which file contents', value: copyContent, unit: 'bytes' });
    rows.push({ measure: `${FORKS} forks + one edit each: edited file contents`, value: editBytes, unit: 'bytes' });
    rows.push({ measure: `${FORKS} forks + one edit each: file contents added`, value: contentsAdded, unit: 'bytes' });
    rows.push({ measure: `${FORKS} forks + one edit each: blob rows added (contents + hash, size, time)`, value: editRows, unit: 'bytes' });
    rows.push({ measure: 'per fork: project row', value: floor, unit: 'bytes' });
    rows.push({ measure: 'per fork: own file rows (the edited file only; the file list is shared)', value: perFork(editFileRows), unit: 'bytes' });
    rows.push({ measure: `shared tree (tree + tree_file rows), once for all ${FORKS} forks`, value: after.treeRows - oneCopy.treeRows, unit: 'bytes' });
    rows.push({ measure: `total after ${FORKS} forks (rows)`, value: total, unit: 'bytes' });
    // Whole pages (8 KiB): a table that stayed within its pages shows nothing; the row sizes above are exact.
    for (const [table, d] of disk) {
      rows.push({ measure: `on disk per fork, ${table}: table + indexes (+ free-space maps ${perFork(d.maps)})`, value: perFork(d.heap + d.indexes + d.toast), unit: 'bytes' });
    }
    rows.push({ measure: `database size growth, ${FORKS} forks (pages)`, value: after.database - oneCopy.database, unit: 'bytes' });
    rows.push({ measure: 'fork time, median', value: +median(forkMs).toFixed(1), unit: 'ms' });
    rows.push({ measure: 'fork time, p95', value: +percentile(forkMs, 95).toFixed(1), unit: 'ms' });
    return {
      oneCopyBytes: copy,
      totalBytes: total,
      editBytes,
      contentsAddedBytes: contentsAdded,
      // 1.000: the forks stored no file contents but their edits.
      contentRatio: +((after.content - before.content) / (copyContent + editBytes)).toFixed(3),
      // Rows against one copy + the edits' blob rows: what the forks' own rows (and their shared tree) add.
      ratioTotalToCopyPlusEdits: +(total / (copy + editRows)).toFixed(2),
      // The same with each edit's own file row counted as part of the edit (blob row + path → blob row).
      ratioTotalToCopyPlusEditsWithFileRows: +(total / (copy + editRows + editFileRows)).toFixed(2),
      // The same if a fork stored nothing but its project row: the least any fork design could reach.
      floorRatio: +((copy + editRows + floor * FORKS) / (copy + editRows)).toFixed(2),
      floorRatioWithFileRows: +((copy + editRows + editFileRows + floor * FORKS) / (copy + editRows + editFileRows)).toFixed(2),
      forkFloorBytes: floor,
      forkP95Ms: +percentile(forkMs, 95).toFixed(1),
    };
  } finally {
    await testDb.close();
  }
}

async function shareOpenToPreview(rows: Row[]) {
  const server = await startSandboxTestServer();
  try {
    const pkg = viteReactTemplate.files['package.json']!;
    const warm = await prewarmNpmCache({
      cacheDir: path.join(server.dataDir, 'npm-cache'),
      depsCache: path.join(server.dataDir, 'deps-cache'),
      packages: { vite: pkg },
    });
    const db = server.testDb.db;
    const owner = createCaller(createContextInner({ db, user: (await getUserById(db, server.userIds.owner))! }));
    const project = await owner.project.create({ template: 'vite-react-ts' });
    const { slug } = await owner.share.rotate({ projectId: project.id });
    const visitorId = newUserId();
    await ensureUser(db, visitorId);
    const cookie = await sessionCookieFor(db, visitorId);
    const origin = server.baseUrl;
    const Socket = class extends WS {
      constructor(url: string) {
        super(url, { headers: { cookie }, origin });
        this.on('error', () => {});
      }
    } as unknown as WebSocketConstructor;

    const started = performance.now();
    const visitor = createCaller(createContextInner({ db, user: (await getUserById(db, visitorId))! }));
    const { projectId } = await visitor.share.open({ slug });
    const sandbox = await createHostSandbox({ projectId, baseUrl: server.baseUrl, WebSocket: Socket });
    const snapshot = await visitor.sandbox.snapshot({ projectId });
    await sandbox.mount(Object.fromEntries(snapshot.map((f) => [f.path, f.encoding === 'utf8' ? f.content : Buffer.from(f.content, 'base64')])));
    const mountedAt = performance.now();
    // bash's `time` adds the install's CPU seconds (what a loaded machine cannot skew) to its output.
    const install = await sandbox.spawn('bash', ['-c', 'TIMEFORMAT="cpu %U %S"; time npm install --no-audit --no-fund --prefer-offline'], { network: 'off' });
    let log = '';
    install.onOutput((c) => (log += c));
    const installed = await install.exit;
    if (installed.code !== 0) throw new Error(`npm install failed in the visitor's sandbox:\n${log}`);
    const installedAt = performance.now();
    const ready = new Promise<string>((resolve) => sandbox.onServerReady((e) => resolve(e.url)));
    await sandbox.spawn('npm', ['run', 'dev'], { network: 'off' });
    const url = await ready;
    const readyAt = performance.now();
    const { ticket } = await visitor.sandbox.previewTicket({ projectId, port: Number(new URL(url).hostname.split('-')[0]) });
    const entered = await server.fetchPreview(previewEntryUrl(url, ticket), { cookie: '' });
    const previewCookie = String(entered.headers['set-cookie'] ?? '').split(';')[0]!;
    const page = await server.fetchPreview(url, { cookie: previewCookie });
    const servedAt = performance.now();
    if (page.status !== 200) throw new Error(`the preview answered ${page.status}`);
    rows.push({ measure: 'share link opened → own sandbox mounted', value: Math.round(mountedAt - started), unit: 'ms' });
    rows.push({ measure: '… → npm install (seeded node_modules, warm cache, network off)', value: Math.round(installedAt - started), unit: 'ms' });
    rows.push({ measure: '… → dev server ready', value: Math.round(readyAt - started), unit: 'ms' });
    rows.push({ measure: '… → preview page served (HTTP 200 via the proxy)', value: Math.round(servedAt - started), unit: 'ms' });
    rows.push({ measure: 'npm install alone', value: Math.round(installedAt - mountedAt), unit: 'ms' });
    const [, user, system] = /cpu ([\d.]+) ([\d.]+)/.exec(log) ?? [];
    const installCpuMs = Math.round((Number(user) + Number(system)) * 1000);
    rows.push({ measure: 'npm install alone, CPU time (user + system)', value: installCpuMs, unit: 'ms' });
    rows.push({ measure: 'installed-dependencies cache (Vite template, file bytes)', value: warm.depsBytes, unit: 'bytes' });
    rows.push({ measure: 'shared npm cache (file bytes)', value: warm.bytes, unit: 'bytes' });
    await sandbox.dispose();
    return {
      shareToPreviewMs: Math.round(servedAt - started),
      installMs: Math.round(installedAt - mountedAt),
      installCpuMs,
      upToDate: /up to date/.test(log),
      depsCacheBytes: warm.depsBytes,
    };
  } finally {
    await server.close();
  }
}

await runBench('storage', async () => {
  const rows: Row[] = [];
  const storage = await forks(rows);
  const share = await shareOpenToPreview(rows);
  return {
    inputs: { forks: FORKS, template: viteReactTemplate.id, goals: { storage: '≤ 1.1 × one copy + edits', forkP95Ms: 100, shareToPreviewMs: 3000 } },
    rows,
    summary: { ...storage, ...share },
  };
});
