// npm run bench:workshop — 40 simulated students on loopback against the IDE's server (its own process:
// bench/lib/workshop-server.ts), with the teacher's dashboard subscribed over SSE. Each student, staggered:
// joins by code (a fork), saves edits through tRPC, and runs `npm test` (node:test) in a terminal of its
// host sandbox over the sandbox WebSocket. Measured: p95 save latency, p95 join → fork, dashboard staleness
// (a save or a test run → the dashboard event showing it), errors, the server's CPU and peak memory.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import superjson from 'superjson';
import WS from 'ws';
import { median, percentile, runBench } from '@/bench/harness';

const STUDENTS = Number(process.env.BENCH_STUDENTS ?? 40);
const STAGGER_MS = 250;
/** BENCH_SANDBOX=0: joins, saves and the dashboard only (no test runs), to tell the sandboxes' share apart. */
const WITH_SANDBOX = process.env.BENCH_SANDBOX !== '0';
const SAVES = 5;
const root = path.resolve(import.meta.dirname, '..');
const STARTER = {
  'package.json': JSON.stringify({ name: 'sums', private: true, scripts: { test: 'node --test' } }),
  'test/sum.test.js': "const test = require('node:test');\nconst assert = require('node:assert');\ntest('adds', () => assert.strictEqual(1 + 1, 2));\n",
};

const loadBefore = os.loadavg();
const server = spawn(process.execPath, [...(process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []), '--import', './server/runtime/register.mjs', '--import', 'tsx', 'bench/lib/workshop-server.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
let serverStats: Record<string, number> = {};
server.stdout.on('data', (d: Buffer) => {
  const m = /STATS (\{.*\})/.exec(d.toString());
  if (m) serverStats = JSON.parse(m[1]!) as Record<string, number>;
});
const port = await new Promise<number>((resolve, reject) => {
  server.stdout.on('data', (d: Buffer) => {
    const m = /READY (\d+)/.exec(d.toString());
    if (m) resolve(Number(m[1]));
  });
  server.on('exit', (code) => reject(new Error(`server exited ${code}`)));
});
const base = `http://localhost:${port}`;
const statFields = () => fs.readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
/** The server's own CPU ticks (utime + stime). */
const ticks = () => {
  const f = statFields();
  return Number(f[11]) + Number(f[12]);
};
/**
 * CPU ticks of the sandboxes: the server's ended children (cutime + cstime) and its living children with
 * theirs (the sandbox spawner, whose children are the sandboxes' processes).
 */
const childTicks = () => {
  const own = statFields();
  let total = Number(own[13]) + Number(own[14]);
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      if (Number(f[1]) === server.pid) total += Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14]);
    } catch {
      /* ended meanwhile */
    }
  }
  return total;
};
/** Busy CPU ticks of the whole machine (every engineer's work too): /proc/stat's first line minus idle and iowait. */
const machineTicks = () => {
  const [, ...n] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return n.slice(0, 8).reduce((a, b) => a + b, 0) - n[3]! - n[4]!;
};
const peakRssMiB = () => Number(/VmHWM:\s+(\d+)/.exec(fs.readFileSync(`/proc/${server.pid}/status`, 'utf8'))![1]) / 1024;

class Client {
  cookie = '';
  async call<T>(pathName: string, input: unknown, kind: 'query' | 'mutation'): Promise<T> {
    const encoded = JSON.stringify(superjson.serialize(input));
    const res =
      kind === 'query'
        ? await fetch(`${base}/api/trpc/${pathName}?input=${encodeURIComponent(encoded)}`, { headers: { cookie: this.cookie } })
        : await fetch(`${base}/api/trpc/${pathName}`, { method: 'POST', body: encoded, headers: { cookie: this.cookie, origin: base, 'content-type': 'application/json' } });
    const set = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    if (set) this.cookie = set;
    const body = (await res.json()) as { result?: { data: unknown }; error?: unknown };
    if (!res.ok || !body.result) throw new Error(`${pathName}: ${res.status} ${JSON.stringify(body.error).slice(0, 300)}`);
    return superjson.deserialize(body.result.data as never) as T;
  }
}

const errors: string[] = [];
const saveMs: number[] = [];
const joinMs: number[] = [];
const staleness: number[] = [];
/** Per student: what the dashboard must show, and since when (the client's clock). */
const waiting = new Map<string, { filesChanged?: number; tested?: boolean; since: number }[]>();
/** The last dashboard row per student: a change it already shows when the client notes it counts as staleness 0. */
const lastSeen = new Map<string, { filesChanged: number; test: unknown }>();
function expectShown(name: string, want: { filesChanged?: number; tested?: boolean }): void {
  const seen = lastSeen.get(name);
  if (seen && (want.filesChanged === undefined || seen.filesChanged >= want.filesChanged) && (!want.tested || seen.test !== null)) staleness.push(0);
  else waiting.set(name, [...(waiting.get(name) ?? []), { ...want, since: performance.now() }]);
}

const teacher = new Client();
const starter = await teacher.call<{ id: string }>('project.create', { title: 'Sums' }, 'mutation');
for (const [p, content] of Object.entries(STARTER)) await teacher.call('files.create', { projectId: starter.id, path: p, content }, 'mutation');
const workshop = await teacher.call<{ id: string; code: string }>('workshop.create', { projectId: starter.id, title: 'Bench' }, 'mutation');

// The dashboard, subscribed as the browser's httpSubscriptionLink does.
const dashboardAbort = new AbortController();
const dashboard = fetch(`${base}/api/trpc/workshop.dashboardLive?input=${encodeURIComponent(JSON.stringify(superjson.serialize({ workshopId: workshop.id })))}`, {
  headers: { cookie: teacher.cookie, accept: 'text/event-stream' },
  signal: dashboardAbort.signal,
}).then(async (res) => {
  let buffer = '';
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = /^data: (.*)$/m.exec(block)?.[1];
      if (!data || /^event: (ping|connected)/m.test(block)) continue;
      const now = performance.now();
      const view = superjson.deserialize(JSON.parse(data)) as { students: { displayName: string; filesChanged: number; test: unknown }[] };
      for (const s of view.students) {
        lastSeen.set(s.displayName, s);
        const pending = waiting.get(s.displayName) ?? [];
        const left = pending.filter((w) => {
          const shown = (w.filesChanged === undefined || s.filesChanged >= w.filesChanged) && (!w.tested || s.test !== null);
          if (shown) staleness.push(now - w.since);
          return !shown;
        });
        waiting.set(s.displayName, left);
      }
    }
  }
}).catch((error: unknown) => {
  if (!dashboardAbort.signal.aborted) errors.push(`dashboard: ${String(error)}`);
});

function runTests(cookie: string, projectId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WS(`ws://localhost:${port}/api/sandbox/ws?projectId=${projectId}`, { headers: { cookie }, origin: base });
    const tree = Object.fromEntries(Object.entries(STARTER).map(([p, c]) => [p, Buffer.from(c).toString('base64')]));
    let exitCode = -1;
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, op: 'mount', tree })));
    ws.on('message', (raw) => {
      const m = JSON.parse(String(raw)) as { type: string; id?: number; ok?: boolean; error?: unknown; code?: number };
      if (m.type === 'response' && !m.ok) reject(new Error(`sandbox: ${JSON.stringify(m.error)}`));
      if (m.type === 'response' && m.id === 1) ws.send(JSON.stringify({ id: 2, op: 'spawn', command: 'npm', args: ['test'], terminal: { cols: 100, rows: 30 }, network: 'off' }));
      if (m.type === 'exit') {
        exitCode = m.code ?? -1;
        ws.close();
      }
    });
    ws.on('close', () => resolve(exitCode));
    ws.on('error', reject);
  });
}

async function student(i: number): Promise<void> {
  const name = `student-${String(i).padStart(2, '0')}`;
  const me = new Client();
  await me.call('health', {}, 'query');
  let started = performance.now();
  const { projectId } = await me.call<{ projectId: string }>('workshop.join', { code: workshop.code, displayName: name }, 'mutation');
  joinMs.push(performance.now() - started);
  let version = 1;
  for (let s = 0; s < SAVES; s++) {
    started = performance.now();
    const saved = await me.call<{ version: number }>('files.write', { projectId, path: 'test/sum.test.js', content: `${STARTER['test/sum.test.js']}// edit ${s}\n`, expectedVersion: version }, 'mutation');
    const done = performance.now();
    saveMs.push(done - started);
    if (s === 0) expectShown(name, { filesChanged: 1 });
    version = saved.version;
    await new Promise((r) => setTimeout(r, 200 + ((i * 37 + s * 91) % 300)));
  }
  if (!WITH_SANDBOX) return;
  const code = await runTests(me.cookie, projectId);
  if (code !== 0) throw new Error(`npm test exited ${code}`);
  expectShown(name, { tested: true });
}

const ticksBefore = ticks();
const childTicksBefore = childTicks();
const machineTicksBefore = machineTicks();
const wallStart = performance.now();
await Promise.all(
  Array.from({ length: STUDENTS }, async (_, i) => {
    await new Promise((r) => setTimeout(r, i * STAGGER_MS));
    await student(i).catch((error: unknown) => errors.push(`student ${i}: ${error instanceof Error ? error.message : String(error)}`));
  }),
);
// Wait (bounded) for the dashboard to show the last runs.
const deadline = performance.now() + 10_000;
while ([...waiting.values()].some((w) => w.length) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
const unseen = [...waiting.entries()].filter(([, w]) => w.length).map(([n]) => n);
if (unseen.length) errors.push(`dashboard never showed: ${unseen.join(', ')}`);
const wallS = (performance.now() - wallStart) / 1000;
const cpuS = (ticks() - ticksBefore) / 100;
const sandboxCpuS = (childTicks() - childTicksBefore) / 100;
const machineCpuS = (machineTicks() - machineTicksBefore) / 100;
const rss = peakRssMiB();
dashboardAbort.abort();
await dashboard;
server.kill('SIGTERM');
await new Promise((resolve) => server.on('exit', resolve));

await runBench('workshop', async () => ({
  inputs: { students: STUDENTS, staggerMs: STAGGER_MS, savesPerStudent: SAVES, test: WITH_SANDBOX ? 'npm test (node --test) in a host-sandbox terminal' : 'none (BENCH_SANDBOX=0)', loadAverageBefore: loadBefore, loadAverageAfter: os.loadavg() },
  rows: [
    { metric: 'save latency (ms)', p50: Math.round(median(saveMs)), p95: Math.round(percentile(saveMs, 95)), goal: '≤ 100 (p95)', n: saveMs.length },
    { metric: 'join → fork (ms)', p50: Math.round(median(joinMs)), p95: Math.round(percentile(joinMs, 95)), goal: '≤ 1000 (p95)', n: joinMs.length },
    { metric: 'dashboard staleness (ms)', p50: Math.round(median(staleness)), p95: Math.round(percentile(staleness, 95)), goal: '≤ 2000 (max ' + Math.round(Math.max(...staleness)) + ')', n: staleness.length },
  ],
  summary: { errors: errors.length, errorSamples: errors.slice(0, 5), serverCpuSeconds: cpuS, wallSeconds: Math.round(wallS), serverCpuShare: Math.round((cpuS / wallS) * 100) / 100, sandboxCpuSeconds: sandboxCpuS, machineCpuSeconds: machineCpuS, serverPeakRssMiB: Math.round(rss), ...serverStats },
}));
