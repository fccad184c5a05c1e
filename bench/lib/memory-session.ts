// The scripted 300-turn session of bench:memory: a migration from Express to Fastify, tool-heavy
// (large test and build logs, files read and written), with a plan that changes midway, a failed
// build that is fixed and retried, and planted facts whose survival the benchmark checks.
// Deterministic: a seeded generator, no clock.
import type { PlanItem } from '@/db/schema';
import { agentStep, commandOutput, userMessage, type ScriptedCall } from '@/server/memory/testing';
import type { MemoryMessage } from '@/server/memory/types';

export const TURNS = 300;

/** Everything the design promises to keep, by kind. Each is a string that must appear in the prompt. */
export const PLANTED = {
  constraints: ['never use yarn', 'Node 18', 'legacy/', '/api/v1/', 'pino, not winston', 'without asking me first'],
  decisions: ['@fastify/cors instead of cors', '{ error: { code, message } }', 'shared logger from src/log.ts'],
  files: ['src/config/env.ts', 'scripts/migrate-routes.mjs', 'src/plugins/error-handler.ts'],
  earlyDone: ['Set up CI workflow', 'Inventory Express routes'],
};

/** User messages at given turns (before the agent's step). */
const USER: Record<number, string> = {
  0: 'Migrate this app from Express to Fastify. Constraints: never use yarn (npm only), keep Node 18 support, and do not modify anything under legacy/.',
  60: 'Reminder: every public path under /api/v1/ must keep working exactly as before.',
  140: 'Change of plan: also migrate the websocket handlers, and drop the auth middleware rewrite; we keep the old one for now.',
  150: 'For logging use pino, not winston.',
  220: 'Do not add new dependencies without asking me first.',
};

const REMEMBER: Record<number, string> = {
  25: 'Use @fastify/cors instead of cors: the old package does not support Fastify hooks.',
  90: 'Errors keep the JSON shape { error: { code, message } } so the frontend needs no change.',
  170: 'Every plugin takes the shared logger from src/log.ts (one pino instance).',
};

const TITLES = [
  'Set up CI workflow',
  'Inventory Express routes',
  'Port routes to Fastify',
  'Rewrite auth middleware',
  'Port error handling',
  'Update tests',
  'Remove Express',
];

/** The plan after the update at a turn (the agent calls update_plan then). */
function planAt(turn: number): PlanItem[] | null {
  const status = (done: boolean, active = false): PlanItem['status'] => (done ? 'done' : active ? 'in_progress' : 'pending');
  const items = (extra: PlanItem[] = []) => TITLES.map((title) => ({ title, status: 'pending' as PlanItem['status'] })).concat(extra);
  const set = (list: PlanItem[], title: string, s: PlanItem['status']) => list.map((p) => (p.title === title ? { ...p, status: s } : p));
  if (turn === 1) return set(items(), 'Set up CI workflow', 'in_progress');
  if (turn === 12) return set(set(items(), 'Set up CI workflow', 'done'), 'Inventory Express routes', 'in_progress');
  if (turn === 20 || turn === 100) {
    let p = set(set(items(), 'Set up CI workflow', 'done'), 'Inventory Express routes', 'done');
    p = set(p, 'Port routes to Fastify', status(turn === 100, turn === 20));
    return turn === 100 ? set(p, 'Port error handling', 'in_progress') : p;
  }
  // The last update is 50 turns before the end: by then only the task state knows the statuses.
  if (turn === 141 || turn === 200 || turn === 230 || turn === 250) {
    let p = items([{ title: 'Migrate websocket handlers', status: 'pending' }]);
    for (const t of ['Set up CI workflow', 'Inventory Express routes', 'Port routes to Fastify']) p = set(p, t, 'done');
    p = set(p, 'Rewrite auth middleware', 'cancelled');
    p = set(p, 'Port error handling', status(turn >= 200, turn === 141));
    p = set(p, 'Migrate websocket handlers', status(turn >= 230, turn === 200));
    return set(p, 'Update tests', status(turn >= 250, turn === 230));
  }
  return null;
}

/** Seeded PRNG (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTES = ['users', 'orders', 'products', 'carts', 'payments', 'search', 'admin', 'reports', 'sessions', 'webhooks', 'uploads', 'health'];
const POOL = [...ROUTES.map((r) => `src/routes/${r}.ts`), ...ROUTES.map((r) => `test/${r}.test.ts`), 'src/app.ts', 'src/server.ts', 'package.json', 'src/ws/index.ts', 'src/ws/chat.ts'];
const PLANTED_WRITES: Record<number, string> = { 3: 'src/config/env.ts', 7: 'scripts/migrate-routes.mjs', 30: 'src/plugins/error-handler.ts', 171: 'src/log.ts' };

function code(rand: () => number, lines: number, label: string): string {
  const out: string[] = [];
  for (let i = 0; i < lines; i++) out.push(`export function ${label}${i}(req, reply) { return reply.send({ id: ${Math.floor(rand() * 1e6)}, ok: true }); }`);
  return out.join('\n');
}

function testLog(rand: () => number, failing: number): string {
  const out: string[] = [];
  const n = 40 + Math.floor(rand() * 160);
  for (let i = 0; i < n; i++) out.push(`  ✓ ${ROUTES[i % ROUTES.length]} handles case ${i} (${Math.floor(rand() * 40)} ms)`);
  for (let i = 0; i < failing; i++) out.push(`  ✗ orders rejects bad input ${i}\n    AssertionError: expected 400, received 500\n      at test/orders.test.ts:${40 + i}:7`);
  out.push(`Tests: ${failing} failed, ${n} passed, ${n + failing} total`);
  return out.join('\n');
}

function reasoning(rand: () => number, turn: number): string {
  const words = 40 + Math.floor(rand() * 120);
  const vocab = ['the', 'handler', 'route', 'schema', 'reply', 'plugin', 'test', 'fails', 'because', 'next', 'I', 'will', 'check', 'update', 'Fastify', 'hook', 'request', 'type'];
  const out: string[] = [`Turn ${turn}:`];
  for (let i = 0; i < words; i++) out.push(vocab[Math.floor(rand() * vocab.length)]!);
  return `${out.join(' ')}.`;
}

export interface SessionTurn {
  /** Messages to store before the agent's step (the user's). */
  user: MemoryMessage[];
  /** The agent's step: assistant message and tool results. */
  step: MemoryMessage[];
  plan: PlanItem[] | null;
  remember: string | null;
  /** Files this step changed (ground truth for the files metric). */
  touched: string[];
}

export function* scriptedSession(seed = 13): Generator<SessionTurn> {
  const rand = random(seed);
  for (let turn = 0; turn < TURNS; turn++) {
    const calls: ScriptedCall[] = [];
    const touched: string[] = [];
    const plan = planAt(turn);
    const remember = REMEMBER[turn] ?? null;
    if (plan) calls.push({ name: 'update_plan', args: { items: plan }, output: 'Plan updated.' });
    if (remember) calls.push({ name: 'remember' as string, args: { text: remember }, output: 'Remembered.' });
    const planted = PLANTED_WRITES[turn];
    if (planted) {
      calls.push({ name: 'write_file', args: { path: planted, content: code(rand, 30, 'setup') }, output: `Wrote ${planted}` });
      touched.push(planted);
    } else if (turn === 100) {
      calls.push({ name: 'run_command', args: { command: 'npm run build' }, output: commandOutput('npm run build', 2, `src/routes/orders.ts(41,7): error TS2345: Argument of type 'string' is not assignable to parameter of type 'number'.\n${testLog(rand, 0)}`), ok: false });
    } else if (turn === 101) {
      calls.push({ name: 'edit_file', args: { path: 'src/routes/orders.ts', edits: [{ search: 'reply.code(id)', replace: 'reply.code(Number(id))' }] }, output: 'Edited src/routes/orders.ts' });
      touched.push('src/routes/orders.ts');
    } else if (turn === 102) {
      calls.push({ name: 'run_command', args: { command: 'npm run build' }, output: commandOutput('npm run build', 0, 'Build finished.') });
    } else {
      const r = rand();
      const file = POOL[Math.floor(rand() * POOL.length)]!;
      if (r < 0.3) calls.push({ name: 'read_file', args: { path: file }, output: code(rand, 20 + Math.floor(rand() * 60), 'h') });
      else if (r < 0.55) {
        const failing = rand() < 0.4 ? 1 + Math.floor(rand() * 3) : 0;
        calls.push({ name: 'run_command', args: { command: 'npm test' }, output: commandOutput('npm test', failing ? 1 : 0, testLog(rand, failing)), ok: failing === 0 });
      } else if (r < 0.75) {
        calls.push({ name: 'edit_file', args: { path: file, edits: [{ search: `app.get('/${turn}'`, replace: `fastify.get('/${turn}'` }] }, output: `Edited ${file}` });
        touched.push(file);
      } else if (r < 0.88) {
        calls.push({ name: 'write_file', args: { path: file, content: code(rand, 10 + Math.floor(rand() * 50), 'route') }, output: `Wrote ${file}` });
        touched.push(file);
      } else calls.push({ name: 'search_files', args: { query: 'express' }, output: POOL.map((p, i) => `${p}:${i + 3}: import express from 'express'`).join('\n') });
    }
    const user = USER[turn] ? [userMessage(USER[turn]!)] : [];
    yield { user, step: agentStep(reasoning(rand, turn), calls), plan, remember, touched };
  }
}
