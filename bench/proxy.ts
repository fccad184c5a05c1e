// bench:proxy — time to first token and streaming throughput through the IDE's agent proxy
// (the tRPC mutation chat.send, served by server/main.ts) vs straight to the scripted model, interleaved in one run.
// Separate processes, as in production: this client, the scripted model (e2e/scripted-model/main.ts)
// and the IDE side (bench/lib/proxy-server.ts: the tRPC listener of server/main.ts on node:http, no Next build).
// With BENCH_PROXY_NEXT=1 the production IDE (npm start, a Next build) is measured too; it builds
// into .next, so run it when no other build or e2e run uses the checkout.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { StoredContent } from '@/lib/agent/protocol';
import { chatMessages, chatTools } from '@/server/model/conversation';
import { median, percentile, runBench, type Row } from './harness';
import { setupNextTarget } from './lib/proxy-next';

const root = path.resolve(import.meta.dirname, '..');
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60);
const WARMUP = 5;
const TOKENS = 200;
const WITH_NEXT = process.env.BENCH_PROXY_NEXT === '1';
/** DATABASE_URL: the IDE side on that PostgreSQL database (a fresh one: the run seeds it and leaves its rows) instead of PGlite in memory. */
const DATABASE_URL = process.env.DATABASE_URL;
/** The reference path: what a proxy that does nothing but relay adds on this machine. */
const RELAY = 'bare relay (reference)';

/** Starts a node process and resolves with the first stdout line that `pick` accepts. */
function startChild(args: string[], pick: (line: string) => string | null): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(process.execPath, ['--import', './server/runtime/register.mjs', '--import', 'tsx', ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      for (const line of buffer.split('\n')) {
        const picked = pick(line);
        if (picked) return resolve({ child, line: picked });
      }
    });
    child.on('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${code}`)));
  });
}

interface Sample {
  ttftMs: number;
  totalMs: number;
  tokensPerSecond: number;
}

/** Reads a streamed body; `isToken` says whether a line carries a token. Keeps the lines (parsed afterwards). */
async function measure(res: Response, isToken: (line: string) => boolean, started: number, lines: string[] = []): Promise<Sample> {
  if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}: ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let first = 0;
  let last = 0;
  let tokens = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true });
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      lines.push(line);
      if (isToken(line)) {
        const now = performance.now();
        if (!tokens) first = now;
        last = now;
        tokens++;
      }
      nl = buffer.indexOf('\n');
    }
  }
  if (tokens !== TOKENS) throw new Error(`expected ${TOKENS} tokens, got ${tokens}`);
  return { ttftMs: first - started, totalMs: last - started, tokensPerSecond: (tokens - 1) / ((last - first) / 1000) };
}

/** A proxy under test: its URL, a session cookie, a project and fresh chats (one per request). */
export interface ProxyTarget {
  label: string;
  url: string;
  cookie: string;
  projectId: string;
  chats: string[];
}

/**
 * 'first-turn': a new chat per request.
 * 'conversation': every request is the next turn of one chat.
 */
type Mode = 'first-turn' | 'conversation';

/** chat.send as the browser's httpBatchStreamLink sends it: one POST, the events back as JSON lines. */
function turnVia(target: ProxyTarget, mode: Mode, chats: string[]) {
  let next = 0;
  return async (): Promise<Sample> => {
    const chatId = mode === 'conversation' ? chats[0]! : chats[next++]!;
    const started = performance.now();
    const res = await fetch(`${target.url}/api/trpc/chat.send?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'trpc-accept': 'application/jsonl', cookie: target.cookie },
      body: JSON.stringify({ 0: { json: { projectId: target.projectId, chatId, input: { kind: 'user', text: 'go' } } } }),
    });
    return measure(res, (line) => line.includes('"type":"text"'), started);
  };
}

/** Straight to the model (`modelUrl`), or through the bare relay (bench/lib/relay-server.ts) when given its URL. */
function directTo(modelUrl: string, mode: Mode, relayUrl?: string) {
  // the same request the proxy sends upstream: system prompt, tools, the conversation so far
  const history: StoredContent[] = [];
  return async (): Promise<Sample> => {
    const body = JSON.stringify({
      model: 'scripted-model',
      messages: chatMessages([...history, { kind: 'user', text: 'go' }]),
      tools: chatTools(),
      stream: true,
      stream_options: { include_usage: true },
    });
    const started = performance.now();
    const res = await fetch(relayUrl ?? `${modelUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body,
    });
    const lines: string[] = [];
    const sample = await measure(res, (line) => line.startsWith('data: ') && line.includes('"content":"tok '), started, lines);
    if (mode === 'conversation') {
      const text = lines
        .filter((l) => l.startsWith('data: {'))
        .map((l) => (JSON.parse(l.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0]?.delta.content ?? '')
        .join('');
      history.push({ kind: 'user', text: 'go' }, { kind: 'assistant', text, toolCalls: [], finishReason: 'stop', model: 'scripted-model' });
    }
    return sample;
  };
}

async function run(modelUrl: string, scenario: string, paths: Record<string, () => Promise<Sample>>) {
  await fetch(`${modelUrl.replace(/\/v1$/, '')}/__scenario`, { method: 'POST', body: JSON.stringify({ name: scenario }) });
  const names = Object.keys(paths);
  const samples: Record<string, Sample[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let i = 0; i < REQUESTS + WARMUP; i++) {
    // rotate the order so no path always runs first
    const order = names.map((_, k) => names[(i + k) % names.length]!);
    for (const name of order) {
      const sample = await paths[name]!();
      if (i >= WARMUP) samples[name]!.push(sample);
    }
  }
  return samples;
}

const round = (n: number) => Math.round(n * 100) / 100;

function summarize(runName: string, samples: Record<string, Sample[]>) {
  const stat = (s: Sample[]) => ({
    ttftP50: median(s.map((x) => x.ttftMs)),
    ttftP95: percentile(s.map((x) => x.ttftMs), 95),
    tpsP50: median(s.map((x) => x.tokensPerSecond)),
    totalP50: median(s.map((x) => x.totalMs)),
  });
  const direct = stat(samples.direct!);
  const rows: Row[] = [];
  const added: Record<string, Record<string, number>> = {};
  for (const [name, list] of Object.entries(samples)) {
    const s = stat(list);
    rows.push({ run: runName, path: name, requests: list.length, ttftP50Ms: round(s.ttftP50), ttftP95Ms: round(s.ttftP95), tokensPerSecondP50: Math.round(s.tpsP50), answerP50Ms: round(s.totalP50) });
    if (name !== 'direct') {
      added[name] = {
        addedTtftP50Ms: round(s.ttftP50 - direct.ttftP50),
        addedTtftP95Ms: round(s.ttftP95 - direct.ttftP95),
        throughputRatio: round(s.tpsP50 / direct.tpsP50),
        addedAnswerP50Ms: round(s.totalP50 - direct.totalP50),
      };
    }
  }
  return { rows, added };
}

await runBench('proxy', async () => {
  const model = await startChild(['e2e/scripted-model/main.ts', '--port', '0'], (l) => l.match(/listening on (\S+)/)?.[1] ?? null);
  const modelUrl = model.line;
  // four conversations (paced, unpaced, 20 ms and 100 ms to the first token), then a new chat for every request of the first-turn run
  const chatsNeeded = 4 + (REQUESTS + WARMUP);
  const ide = await startChild(['bench/lib/proxy-server.ts', '--model-url', modelUrl, '--chats', String(chatsNeeded), ...(DATABASE_URL ? ['--database-url', DATABASE_URL] : [])], (l) => (l.startsWith('{') ? l : null));
  const relay = await startChild(['bench/lib/relay-server.ts', '--model-url', modelUrl], (l) => l.match(/relay on (\S+)/)?.[1] ?? null);
  const handlerTarget: ProxyTarget = { label: 'IDE proxy (handler)', ...JSON.parse(ide.line) };
  const nextTarget = WITH_NEXT ? await setupNextTarget(modelUrl, chatsNeeded) : null;
  const targets = [handlerTarget, ...(nextTarget ? [nextTarget.target] : [])];
  const loadBefore = os.loadavg()[0]!;
  const pathsFor = (mode: Mode, chatsOf: (t: ProxyTarget) => string[]) =>
    Object.fromEntries([['direct', directTo(modelUrl, mode)], [RELAY, directTo(modelUrl, mode, relay.line)], ...targets.map((t) => [t.label, turnVia(t, mode, chatsOf(t))])]) as Record<string, () => Promise<Sample>>;
  try {
    const conversation = summarize('next turn, 2 ms/token', await run(modelUrl, 'throughput-paced', pathsFor('conversation', (t) => [t.chats[0]!])));
    const firstTurn = summarize('first turn of a new chat, 2 ms/token', await run(modelUrl, 'throughput-paced', pathsFor('first-turn', (t) => t.chats.slice(4))));
    const slowModel = summarize('next turn, model 20 ms to first token', await run(modelUrl, 'throughput-paced-ttft20', pathsFor('conversation', (t) => [t.chats[2]!])));
    const hostedModel = summarize('next turn, model 100 ms to first token', await run(modelUrl, 'throughput-paced-ttft100', pathsFor('conversation', (t) => [t.chats[3]!])));
    const unpaced = summarize('next turn, unpaced', await run(modelUrl, 'throughput', pathsFor('conversation', (t) => [t.chats[1]!])));
    const goal = (a: Record<string, number> | undefined) => Boolean(a && a.addedTtftP50Ms! <= 5 && a.throughputRatio! >= 0.95);
    const withGoal = (added: Record<string, Record<string, number>>) => Object.fromEntries(Object.entries(added).map(([k, v]) => [k, { ...v, met: goal(v) }]));
    return {
      inputs: {
        requestsPerPath: REQUESTS,
        warmup: WARMUP,
        tokensPerAnswer: TOKENS,
        processes: 'client, scripted model and IDE each in their own process',
        relay: 'bench/lib/relay-server.ts: node:http in, fetch out, the bytes passed through; no session, database or SDK (the floor for any proxy here)',
        handler: `chat.send through the tRPC listener server/main.ts uses (server/api/http.ts, tRPC's Node adapter), no Next build, ${DATABASE_URL ? 'PostgreSQL (DATABASE_URL)' : 'PGlite in memory'}`,
        runs: {
          'next turn': 'every request is the next turn of one chat; direct sends the same growing conversation',
          'first turn of a new chat': 'a new chat per request; direct sends the same single message',
          'model 20 / 100 ms to first token': 'the scripted model waits 20 or 100 ms before its first token (hosted models take 100 ms or more): the next turn',
        },
        // 1-minute load average: the machine is shared, and every hop of the proxy needs a core
        loadAverage: { before: round(loadBefore), after: round(os.loadavg()[0]!), cores: os.cpus().length },
        next: nextTarget ? 'the production IDE (npm start: Next + server/main.ts), PGlite on disk' : 'not measured (BENCH_PROXY_NEXT=1 to add it)',
      },
      rows: [...conversation.rows, ...firstTurn.rows, ...slowModel.rows, ...hostedModel.rows, ...unpaced.rows],
      summary: {
        goals: { addedTtftP50MsAtMost: 5, throughputRatioAtLeast: 0.95, measuredAt: '2 ms/token pacing' },
        nextTurn2msPerToken: withGoal(conversation.added),
        firstTurn2msPerToken: withGoal(firstTurn.added),
        nextTurnModel20msToFirstToken: withGoal(slowModel.added),
        nextTurnModel100msToFirstToken: withGoal(hostedModel.added),
        // Unpaced, tokens arrive in bursts within one read: tokens/s is not meaningful, compare the answer's time.
        nextTurnUnpaced: Object.fromEntries(Object.entries(unpaced.added).map(([k, v]) => [k, { addedTtftP50Ms: v.addedTtftP50Ms, addedAnswerP50Ms: v.addedAnswerP50Ms }])),
      },
    };
  } finally {
    ide.child.kill('SIGTERM');
    relay.child.kill('SIGTERM');
    model.child.kill('SIGTERM');
    await nextTarget?.stop();
  }
});
