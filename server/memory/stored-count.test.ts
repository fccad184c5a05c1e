import { describe, expect, it } from 'vitest';
import type { StoredContent } from '@/lib/agent/protocol';
import { chatMessages } from '@/server/model/conversation';
import { assemble } from '@/server/memory/assemble';
import { countMessages, countStored } from '@/server/memory/count';
import { maskObservations } from '@/server/memory/mask';
import type { TaskStateInput } from '@/server/memory/task-state';
import { agentStep, commandOutput, userMessage } from '@/server/memory/testing';
import type { MemoryMessage } from '@/server/memory/types';

// message.tokens: each message counted once (countStored) and summed by assemble must give exactly the
// count of the whole prompt re-tokenised, images of a tool run and masked outputs included.

const state: TaskStateInput = { plan: [], decisions: [], notes: null };
const image = 'chat-image:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';

function conversation(): MemoryMessage[] {
  const out: MemoryMessage[] = [{ ...userMessage('Build the page from this design.'), content: { kind: 'user', text: 'Build the page from this design.', images: [image] } }];
  for (let i = 0; i < 6; i++) {
    out.push(...agentStep(`step ${i}`, [
      { name: 'run_command', args: { command: `npm test -- ${i}` }, output: commandOutput('npm test', i % 2, `log ${i} <|endoftext|> `.repeat(120)) },
      { name: 'read_file', args: { path: `src/f${i}.ts` }, output: `export const v${i} = ${i};` },
    ]));
  }
  // a run whose last result carries a screenshot: chatMessages adds the images message after the run
  const shot = agentStep('checking the preview', [{ name: 'read_file', args: { path: 'a.ts' }, output: 'a' }, { name: 'read_file', args: { path: 'b.ts' }, output: 'b' }]);
  const last = shot.at(-1)!;
  shot[shot.length - 1] = { ...last, content: { ...(last.content as Extract<StoredContent, { kind: 'tool' }>), images: [image] } };
  out.push(...shot, userMessage('Now the footer.'));
  return out;
}

const withStored = (messages: MemoryMessage[]) => messages.map((m) => ({ ...m, tokens: countStored(m.content) }));

describe('stored token counts (message.tokens)', () => {
  it('summed per message they equal a fresh count of the whole prompt', () => {
    const messages = conversation();
    for (const keepTurns of [0, 2, 100]) {
      const fresh = countMessages(chatMessages(maskObservations(messages, keepTurns).map((m) => m.content)));
      expect(assemble({ messages: withStored(messages), memory: null, state, keepTurns }).tokens).toBe(fresh);
      expect(assemble({ messages, memory: null, state, keepTurns }).tokens).toBe(fresh);
    }
  });

  it('are what the prompt sums for messages left as stored, and ignored for masked ones', () => {
    const messages = withStored(conversation());
    const exact = assemble({ messages, memory: null, state, keepTurns: 2 }).tokens;
    const lastUser = messages.length - 1;
    // the newest message is never masked: its stored count is the one summed
    const bumped = messages.map((m, i) => (i === lastUser ? { ...m, tokens: m.tokens + 1000 } : m));
    expect(assemble({ messages: bumped, memory: null, state, keepTurns: 2 }).tokens).toBe(exact + 1000);
    // an old tool output is masked (its placeholder is counted, never the stored count of the full output)
    const oldTool = messages.findIndex((m) => m.content.kind === 'tool');
    const wrong = messages.map((m, i) => (i === oldTool ? { ...m, tokens: 999_999 } : m));
    expect(assemble({ messages: wrong, memory: null, state, keepTurns: 2 }).tokens).toBe(exact);
  });
});
