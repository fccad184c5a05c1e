// bench:memory — a scripted 300-turn session (bench/lib/memory-session.ts) driven through
// server/memory, against no compaction and naive truncation. The summaries come from the scripted
// model over HTTP (the openai SDK, the same call as in the app: server/model/summarize.ts); they are
// deliberately poor (vague, and they call finished plan items pending), and the first summary call
// fails with a 500, so what survives is what the design keeps. With OPENAI_BASE_URL set, the first
// model of OPENAI_MODELS writes the summaries instead (not in CI).
import type OpenAI from 'openai';
import type { PlanItem } from '@/db/schema';
import { startScriptedModel } from '@/e2e/scripted-model/server';
import { env } from '@/lib/env';
import { modelConfigFromEnv } from '@/server/model/config';
import { chatMessages, chatTools } from '@/server/model/conversation';
import { modelSummarizer } from '@/server/model/summarize';
import { compact } from '@/server/memory/compact';
import { countMessage, countMessages, countTools, REPLY_OVERHEAD } from '@/server/memory/count';
import { DEFAULT_KEEP_TURNS } from '@/server/memory/mask';
import type { MemoryMessage, MemoryState } from '@/server/memory/types';
import { compactionLimit, DEFAULT_THRESHOLD } from '@/server/memory/windows';
import { runBench, type Row } from './harness';
import { PLANTED, scriptedSession, TURNS } from './lib/memory-session';

/** A 16k window (the default for unknown models, a local model as often run): the session overflows it 20 times over. */
const WINDOW = 16_384;
const THRESHOLD = DEFAULT_THRESHOLD;
const LIMIT = compactionLimit(WINDOW, THRESHOLD);
const POOR_SUMMARY = `## Goal
Work on the app.
## Progress
Made some changes; a few things were tried.
## Next steps
- [pending] ${PLANTED.earlyDone[0]}
- [pending] ${PLANTED.earlyDone[1]}
- Continue with the remaining work.`;

/** All text of a prompt, for the fact checks. */
function promptText(messages: readonly OpenAI.ChatCompletionMessageParam[]): string {
  return messages
    .map((m) => {
      const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '');
      const calls = m.role === 'assistant' && m.tool_calls ? m.tool_calls.map((c) => (c.type === 'function' ? c.function.arguments : '')).join('\n') : '';
      return `${content}\n${calls}`;
    })
    .join('\n');
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The last status the prompt gives an item: "[done] Title" lines or update_plan arguments. */
function lastStatus(text: string, title: string): string | null {
  const re = new RegExp(`\\[(pending|in_progress|done|cancelled)\\] ${escape(title)}|"title":"${escape(title)}","status":"(\\w+)"`, 'g');
  let status: string | null = null;
  for (const m of text.matchAll(re)) status = m[1] ?? m[2] ?? null;
  return status;
}

interface Quality {
  facts: number;
  files: number;
  reopened: number;
  notShownDone: number;
}

function quality(text: string, touched: ReadonlySet<string>): Quality {
  const facts = [...PLANTED.constraints, ...PLANTED.decisions, ...PLANTED.files, ...PLANTED.earlyDone];
  const statuses = PLANTED.earlyDone.map((t) => lastStatus(text, t));
  return {
    facts: facts.filter((f) => text.includes(f)).length / facts.length,
    files: [...touched].filter((f) => text.includes(f)).length / touched.size,
    reopened: statuses.filter((s) => s === 'pending' || s === 'in_progress').length,
    notShownDone: statuses.filter((s) => s !== 'done').length,
  };
}

/** Naive truncation: the system prompt and the newest whole turns that fit under the limit. */
function naivePrompt(messages: readonly MemoryMessage[], counts: readonly number[], head: number): { start: number; tokens: number } {
  let tokens = head;
  let start = messages.length;
  let pending = 0;
  for (let i = messages.length - 1; i >= 0; i--) {
    pending += counts[i]!;
    if (messages[i]!.content.kind === 'tool') continue;
    if (tokens + pending > LIMIT) break;
    tokens += pending;
    pending = 0;
    start = i;
  }
  return { start, tokens };
}

await runBench('memory', async () => {
  const real = Boolean(env.OPENAI_BASE_URL);
  const scripted = real ? null : await startScriptedModel({ scenario: { name: 'poor-summaries', steps: [{ text: POOR_SUMMARY, repeat: true, fault: { status: 500, times: 1 } }] } });
  const config = scripted ? { baseURL: scripted.baseURL, models: ['scripted-model'], api: 'chat' as const } : modelConfigFromEnv();
  const summaryModel = config.models[0]!;
  const base = modelSummarizer(config, summaryModel);
  let summaryCalls = 0;
  let summaryFailures = 0;
  let summaryInputTokens = 0;
  const summarize = async (messages: OpenAI.ChatCompletionMessageParam[]) => {
    summaryCalls++;
    summaryInputTokens += countMessages(messages);
    try {
      return await base(messages);
    } catch (error) {
      summaryFailures++;
      throw error;
    }
  };

  const toolsTokens = countTools(chatTools());
  const system = chatMessages([])[0]!;
  const head = REPLY_OVERHEAD + countMessage(system) + toolsTokens;
  const messages: MemoryMessage[] = [];
  const counts: number[] = []; // unmasked tokens per stored message
  const touched = new Set<string>();
  let plan: PlanItem[] = [];
  const decisions: string[] = [];
  let memory: MemoryState | null = null;
  const ours: number[] = [];
  const none: number[] = [];
  const naive: number[] = [];
  let compactions = 0;
  let dropped = 0;
  let lastOurs: OpenAI.ChatCompletionMessageParam[] = [];
  let lastNaiveStart = 0;
  const started = performance.now();

  for (const turn of scriptedSession()) {
    for (const m of turn.user) {
      messages.push(m);
      counts.push(countMessage(chatMessages([m.content])[1]!));
    }
    // The prompt for this turn's model call, three ways.
    const outcome = await compact({ messages, memory, state: { plan, decisions, notes: null }, window: WINDOW, threshold: THRESHOLD, toolsTokens }, summarize);
    if (outcome.status === 'compacted') {
      memory = outcome.record;
      compactions++;
    }
    dropped += outcome.dropped;
    ours.push(outcome.prompt.tokens);
    lastOurs = outcome.prompt.messages;
    none.push(head + counts.reduce((a, b) => a + b, 0));
    const n = naivePrompt(messages, counts, head);
    naive.push(n.tokens);
    lastNaiveStart = n.start;
    // The agent's step and its effects on the task state.
    for (const m of turn.step) {
      messages.push(m);
      counts.push(countMessage(chatMessages([m.content])[1]!));
    }
    if (turn.plan) plan = turn.plan;
    if (turn.remember) decisions.push(turn.remember);
    for (const f of turn.touched) touched.add(f);
  }
  await scripted?.close();
  const elapsedMs = Math.round(performance.now() - started);

  const noneText = promptText(chatMessages(messages.slice(0, -turnLength(messages)).map((m) => m.content)));
  const naiveText = promptText([system, ...chatMessages(messages.slice(lastNaiveStart, messages.length - turnLength(messages)).map((m) => m.content)).slice(1)]);
  const rows: Row[] = [];
  const peakNone = Math.max(...none);
  for (const [name, series, text] of [
    ['no compaction', none, noneText],
    ['naive truncation', naive, naiveText],
    ['server/memory', ours, promptText(lastOurs)],
  ] as const) {
    const q = quality(text, touched);
    const peak = Math.max(...series);
    rows.push({
      strategy: name,
      'peak tokens': peak,
      'mean tokens': Math.round(series.reduce((a, b) => a + b, 0) / series.length),
      'peak ÷ uncompacted': Number((peak / peakNone).toFixed(3)),
      'over window': series.filter((t) => t > WINDOW).length,
      'facts kept': `${(q.facts * 100).toFixed(1)} %`,
      'files listed': `${(q.files * 100).toFixed(1)} %`,
      'finished items reopened': q.reopened,
      'finished items not shown done': q.notShownDone,
    });
  }
  const ourRow = rows[2]!;
  return {
    inputs: { turns: TURNS, window: WINDOW, threshold: THRESHOLD, limit: LIMIT, keepTurns: DEFAULT_KEEP_TURNS, toolsTokens, summarizer: real ? `real model ${summaryModel}` : 'scripted model over HTTP (poor summaries, first call fails)', planted: PLANTED, filesTouched: touched.size },
    rows,
    summary: {
      compactions,
      summaryCalls,
      summaryFailures,
      summaryInputTokens,
      droppedTurns: dropped,
      memoryVersion: memory?.version ?? 0,
      elapsedMs,
      goals: {
        'facts ≥ 95 %': ourRow['facts kept'],
        'files 100 %': ourRow['files listed'],
        'reopened 0': ourRow['finished items reopened'],
        'peak ≤ 0.4 × uncompacted': ourRow['peak ÷ uncompacted'],
        'compactions ≥ 5': compactions,
      },
    },
  };
});

/** The last step's messages (the prompts were measured before it). */
function turnLength(messages: readonly MemoryMessage[]): number {
  let i = messages.length - 1;
  while (i > 0 && messages[i]!.content.kind === 'tool') i--;
  return messages.length - i;
}
