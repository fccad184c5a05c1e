// bench:proxy — time to first token and streaming throughput through the IDE's agent proxy
// (POST /api/agent/turn) vs straight to the scripted model, interleaved in one run.
// Three processes, as in production: this client, the scripted model (e2e/scripted-model/main.ts)
// and the IDE side (bench/lib/proxy-server.ts: the real route handler on node:http, no Next build,
// so Next's own routing is not in the measurement).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { chatMessages, chatTools } from '@/server/model/conversation';
import { median, percentile, runBench, type Row } from './harness';

const root = path.resolve(import.meta.dirname, '..');

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
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 60);
const WARMUP = 5;
const TOKENS = 200;

interface Sample {
  ttftMs: number;
  totalMs: number;
  tokens: number;
  tokensPerSecond: number;
}

/** Reads a streamed body; `isToken` says whether a line carries a token. */
async function measure(res: Response, isToken: (line: string) => boolean, started: number): Promise<Sample> {
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
  return { ttftMs: first - started, totalMs: last - started, tokens, tokensPerSecond: (tokens - 1) / ((last - first) / 1000) };
}

async function run(scenario: string) {
  const model = await startChild(['e2e/scripted-model/main.ts', '--port', '0', '--scenario', scenario], (l) => l.match(/listening on (\S+)/)?.[1] ?? null);
  const baseURL = model.line;
  const ide = await startChild(['bench/lib/proxy-server.ts', '--model-url', baseURL, '--chats', String(REQUESTS + WARMUP)], (l) => (l.startsWith('{') ? l : null));
  const { url, cookie, projectId, chats } = JSON.parse(ide.line) as { url: string; cookie: string; projectId: string; chats: string[] };
  const proxy = { url };
  const project = { id: projectId };
  const modelUrl = baseURL;

  const direct = async (): Promise<Sample> => {
    const started = performance.now();
    const res = await fetch(`${modelUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      // the same request the proxy sends upstream: system prompt, tools, the user's message
      body: JSON.stringify({
        model: 'scripted-model',
        messages: chatMessages([{ kind: 'user', text: 'go' }]),
        tools: chatTools(),
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    return measure(res, (line) => line.startsWith('data: ') && line.includes('"content":"tok '), started);
  };
  const proxied = async (i: number): Promise<Sample> => {
    const started = performance.now();
    const res = await fetch(`${proxy.url}/api/agent/turn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie },
      body: JSON.stringify({ projectId: project.id, chatId: chats[i], input: { kind: 'user', text: 'go' } }),
    });
    return measure(res, (line) => line.startsWith('{"type":"text"'), started);
  };

  const samples = { direct: [] as Sample[], proxy: [] as Sample[] };
  for (let i = 0; i < REQUESTS + WARMUP; i++) {
    // alternate the order so neither path always runs on a warmer machine
    const pair = i % 2 ? [await direct(), await proxied(i)] : [await proxied(i), await direct()].reverse();
    if (i >= WARMUP) {
      samples.direct.push(pair[0]!);
      samples.proxy.push(pair[1]!);
    }
  }
  ide.child.kill('SIGTERM');
  model.child.kill('SIGTERM');
  return samples;
}

function rowsFor(label: string, samples: { direct: Sample[]; proxy: Sample[] }): { rows: Row[]; added: Record<string, number> } {
  const stat = (s: Sample[]) => ({
    ttftP50: median(s.map((x) => x.ttftMs)),
    ttftP95: percentile(s.map((x) => x.ttftMs), 95),
    tpsP50: median(s.map((x) => x.tokensPerSecond)),
    totalP50: median(s.map((x) => x.totalMs)),
  });
  const d = stat(samples.direct);
  const p = stat(samples.proxy);
  const round = (n: number) => Math.round(n * 100) / 100;
  const rows: Row[] = [
    { pacing: label, path: 'direct', requests: samples.direct.length, ttftP50Ms: round(d.ttftP50), ttftP95Ms: round(d.ttftP95), tokensPerSecondP50: Math.round(d.tpsP50), answerP50Ms: round(d.totalP50) },
    { pacing: label, path: 'IDE proxy', requests: samples.proxy.length, ttftP50Ms: round(p.ttftP50), ttftP95Ms: round(p.ttftP95), tokensPerSecondP50: Math.round(p.tpsP50), answerP50Ms: round(p.totalP50) },
  ];
  return {
    rows,
    added: {
      addedTtftP50Ms: round(p.ttftP50 - d.ttftP50),
      addedTtftP95Ms: round(p.ttftP95 - d.ttftP95),
      throughputRatio: round(p.tpsP50 / d.tpsP50),
      addedAnswerP50Ms: round(p.totalP50 - d.totalP50),
    },
  };
}

await runBench('proxy', async () => {
  const paced = rowsFor('2 ms/token', await run('throughput-paced'));
  const unpaced = rowsFor('unpaced', await run('throughput'));
  return {
    inputs: { requestsPerPath: REQUESTS, warmup: WARMUP, tokensPerAnswer: TOKENS, processes: 'client, scripted model and IDE proxy each in their own process', proxy: 'the turn route handler via node:http (no Next build), PGlite in memory' },
    rows: [...paced.rows, ...unpaced.rows],
    summary: {
      note: 'The IDE proxy is the real POST /api/agent/turn handler (auth, role check, DB writes, openai SDK, NDJSON) served by server/model/node-http.ts in its own process, without a Next build.',
      paced2msPerToken: { ...paced.added, goals: { addedTtftP50MsAtMost: 5, throughputRatioAtLeast: 0.95 }, met: paced.added.addedTtftP50Ms! <= 5 && paced.added.throughputRatio! >= 0.95 },
      // Unpaced, tokens arrive in bursts within one read, so tokens/s is not meaningful: compare the whole answer's time.
      unpaced: { addedTtftP50Ms: unpaced.added.addedTtftP50Ms, addedTtftP95Ms: unpaced.added.addedTtftP95Ms, addedAnswerP50Ms: unpaced.added.addedAnswerP50Ms },
    },
  };
});
