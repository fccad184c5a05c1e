import type OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { assemble } from '@/server/memory/assemble';
import { compact, dropNotice, needsCompaction, type CompactInput } from '@/server/memory/compact';
import { HANDOFF_PROMPT } from '@/server/memory/handoff';
import { agentStep, commandOutput, userMessage } from '@/server/memory/testing';
import type { MemoryMessage, MemoryState } from '@/server/memory/types';
import { compactionLimit } from '@/server/memory/windows';

const WINDOW = 12_000;

function session(turns: number, logRepeat = 120): MemoryMessage[] {
  const out: MemoryMessage[] = [userMessage('Port the build to Vite. Keep Node 18 support.')];
  for (let i = 0; i < turns; i++) {
    out.push(
      ...agentStep(`step ${i}`, [
        { name: 'run_command', args: { command: `npm run build -- --step ${i}` }, output: commandOutput('npm run build', 0, `line ${i} of the build log\n`.repeat(logRepeat)) },
      ]),
    );
  }
  return out;
}

function input(messages: MemoryMessage[], memory: MemoryState | null = null, extra: Partial<CompactInput> = {}): CompactInput {
  return { messages, memory, state: { plan: [{ title: 'Configure Vite', status: 'done' }], decisions: [], notes: null }, window: WINDOW, keepTurns: 3, ...extra };
}

function recording(answer: string | Error) {
  const calls: OpenAI.ChatCompletionMessageParam[][] = [];
  const summarize = async (messages: OpenAI.ChatCompletionMessageParam[]) => {
    calls.push(messages);
    if (answer instanceof Error) throw answer;
    return answer;
  };
  return { calls, summarize };
}

describe('compaction', () => {
  it('does nothing under the threshold', async () => {
    const { calls, summarize } = recording('never');
    const messages = session(3);
    const outcome = await compact(input(messages), summarize);
    expect(outcome.status).toBe('not_needed');
    expect(calls).toHaveLength(0);
    expect(outcome.prompt).toEqual(assemble(input(messages)));
  });

  it('summarizes everything before the last K turns and fits under the threshold', async () => {
    const messages = session(150);
    const before = assemble(input(messages));
    expect(needsCompaction(before.tokens, WINDOW)).toBe(true);
    const { calls, summarize } = recording('We built steps 0 to 146.');
    const outcome = await compact(input(messages), summarize);
    if (outcome.status !== 'compacted') throw new Error(outcome.status);
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toEqual({ role: 'system', content: HANDOFF_PROMPT });
    expect(calls[0]![1]!.content).toMatch(/^<untrusted-data source="the conversation being compacted">/);
    // the last 3 turns (3 assistant messages + 3 results) stay
    expect(outcome.record).toMatchObject({ version: 1, summary: 'We built steps 0 to 146.', throughMessageId: messages[messages.length - 7]!.id, notice: null });
    expect(outcome.record.tokensBefore).toBe(before.tokens);
    expect(outcome.record.tokensAfter).toBe(outcome.prompt.tokens);
    expect(outcome.prompt.tokens).toBeLessThanOrEqual(compactionLimit(WINDOW));
    expect(outcome.prompt.recentFrom).toBe(messages.length - 6);
  });

  it('gives the next summary call the previous note', async () => {
    const messages = session(150);
    const memory: MemoryState = { version: 3, summary: 'PREVIOUS NOTE TEXT', throughMessageId: messages[10]!.id, notice: null };
    const { calls, summarize } = recording('next');
    const outcome = await compact(input(messages, memory, { force: true }), summarize);
    expect(outcome.status).toBe('compacted');
    expect(calls[0]![1]!.content).toContain('PREVIOUS HANDOFF NOTE:\nPREVIOUS NOTE TEXT');
    // the handoff covers only what came after the previous point
    expect(calls[0]![1]!.content).not.toContain('step 4\n');
    expect(outcome.status === 'compacted' && outcome.record.version).toBe(4);
  });

  it('a failing summary call stores nothing and still returns a prompt that fits', async () => {
    const messages = session(150);
    const snapshot = structuredClone(messages);
    for (const failure of [new Error('502 Bad Gateway'), '   ']) {
      const { summarize } = recording(failure);
      const outcome = await compact(input(messages), summarize);
      expect(outcome.status).toBe('failed');
      expect(outcome).not.toHaveProperty('record');
      expect(outcome.prompt.tokens).toBeLessThanOrEqual(compactionLimit(WINDOW));
    }
    expect(messages).toEqual(snapshot);
  });

  it('masks more, then drops the oldest turns with a notice, when the kept turns alone are too big', async () => {
    // 3 kept turns of ~4,000 tokens each in a 12,000 window (limit 9,600)
    const messages = session(6, 420);
    const { summarize } = recording('short note');
    const outcome = await compact(input(messages), summarize);
    if (outcome.status !== 'compacted') throw new Error(outcome.status);
    expect(outcome.maskedMore).toBe(true);
    expect(outcome.dropped).toBe(0);
    expect(outcome.prompt.tokens).toBeLessThanOrEqual(compactionLimit(WINDOW));
    const outputs = outcome.prompt.messages.filter((m) => m.role === 'tool').map((m) => String(m.content));
    expect(outputs).toHaveLength(3);
    expect(outputs.slice(0, 2).every((o) => o.includes('[output masked: run_command'))).toBe(true);
    expect(outputs[2]).toContain('line 5 of the build log');
  });

  it('drops turns with a notice instead of failing when even one masked turn per kept step is too much', async () => {
    // Every turn has a huge assistant text (not maskable): only dropping helps.
    const messages: MemoryMessage[] = [userMessage('go')];
    for (let i = 0; i < 8; i++) messages.push(...agentStep(`thinking ${i} `.repeat(1200)));
    const { summarize } = recording('note');
    const outcome = await compact(input(messages), summarize);
    if (outcome.status !== 'compacted') throw new Error(outcome.status);
    expect(outcome.dropped).toBeGreaterThan(0);
    expect(outcome.record.notice).toBe(dropNotice(outcome.dropped));
    expect(outcome.prompt.tokens).toBeLessThanOrEqual(compactionLimit(WINDOW));
    expect(outcome.record.throughMessageId).toBe(messages[outcome.prompt.recentFrom - 1]!.id);
  });

  it('when the summary fails and nothing else fits, drops for this call only', async () => {
    const messages: MemoryMessage[] = [userMessage('go')];
    for (let i = 0; i < 8; i++) messages.push(...agentStep(`thinking ${i} `.repeat(1200)));
    const { summarize } = recording(new Error('timeout'));
    const outcome = await compact(input(messages), summarize);
    expect(outcome).toMatchObject({ status: 'failed', error: 'timeout' });
    expect(outcome.dropped).toBeGreaterThan(0);
    expect(outcome.prompt.tokens).toBeLessThanOrEqual(compactionLimit(WINDOW));
  });

  it('"Compact now" summarizes under the threshold; with nothing before the kept turns it does not call the model', async () => {
    const { calls, summarize } = recording('forced');
    expect((await compact(input(session(6), null, { force: true }), summarize)).status).toBe('compacted');
    expect((await compact(input(session(2), null, { force: true }), summarize)).status).toBe('not_needed');
    expect(calls).toHaveLength(1);
  });
});
