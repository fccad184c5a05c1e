import { describe, expect, it } from 'vitest';
import { elideArguments, maskObservations, placeholder, recentStart } from '@/server/memory/mask';
import { agentStep, commandOutput, userMessage } from '@/server/memory/testing';
import type { MemoryMessage } from '@/server/memory/types';

const bigLog = 'PASS test/one.spec.ts\n'.repeat(2000);

function session(): MemoryMessage[] {
  return [
    userMessage('Make the tests pass'),
    ...agentStep('Running the tests', [{ name: 'run_command', args: { command: 'npm test' }, output: commandOutput('npm test', 1, bigLog), ok: false }]),
    ...agentStep('', [{ name: 'write_file', args: { path: 'src/app.ts', content: 'x'.repeat(5000) }, output: 'Wrote src/app.ts (5000 bytes)' }]),
    ...agentStep('Again', [{ name: 'run_command', args: { command: 'npm test' }, output: commandOutput('npm test', 0, bigLog) }]),
    ...agentStep('', [{ name: 'read_file', args: { path: 'README.md' }, output: '1: # Hello' }]),
  ];
}

const tool = (m: MemoryMessage) => (m.content.kind === 'tool' ? m.content : null);

describe('observation masking', () => {
  it('keeps the last K turns whole and masks tool outputs before them', () => {
    const messages = session();
    const masked = maskObservations(messages, 2);
    const outputs = masked.map(tool).filter((t) => t !== null).map((t) => t.output);
    expect(outputs[0]).toBe('[output masked: run_command {"command":"npm test"} → exit 1, 43.0 kB; run it again if you need it]');
    expect(outputs[1]).toMatch(/^\[output masked: write_file \{"path":"src\/app.ts","content":"xxx.*→ ok, 29 B;/);
    expect(outputs[2]).toBe(commandOutput('npm test', 0, bigLog));
    expect(outputs[3]).toBe('1: # Hello');
    expect(masked).toHaveLength(messages.length);
  });

  it('makes each placeholder one short line', () => {
    const masked = maskObservations(session(), 1);
    for (const t of masked.map(tool).slice(0, -1)) {
      if (!t) continue;
      expect(t.output).not.toContain('\n');
      expect(t.output.length).toBeLessThan(260);
    }
  });

  it('shortens long arguments of masked turns and keeps them valid JSON', () => {
    const masked = maskObservations(session(), 2);
    const write = masked.find((m) => m.content.kind === 'assistant' && m.content.toolCalls[0]?.name === 'write_file')!;
    const call = write.content.kind === 'assistant' ? write.content.toolCalls[0]! : null;
    expect(call!.arguments.length).toBeLessThan(300);
    expect(JSON.parse(call!.arguments)).toMatchObject({ path: 'src/app.ts', content: expect.stringMatching(/elided\]$/) });
  });

  it('does not change its input, and K = 0 masks everything', () => {
    const messages = session();
    const copy = structuredClone(messages);
    const all = maskObservations(messages, 0);
    expect(messages).toEqual(copy);
    expect(all.map(tool).filter((t) => t && !t.output.startsWith('[output masked'))).toEqual([]);
  });

  it('counts turns by assistant messages', () => {
    const messages = session();
    expect(recentStart(messages, 1)).toBe(messages.length - 2);
    expect(recentStart(messages, 100)).toBe(0);
    expect(recentStart(messages, 0)).toBe(messages.length);
  });

  it('puts invalid arguments through cut, as text', () => {
    const call = { id: 'c', name: 'write_file', arguments: `{"path": "a", "content": "${'y'.repeat(1000)}` };
    expect(elideArguments(call).arguments.length).toBeLessThanOrEqual(241);
    const result = { kind: 'tool' as const, toolCallId: 'c', name: 'write_file', ok: false, output: 'Invalid arguments' };
    expect(placeholder(result, call)).toMatch(/→ failed, 17 B;/);
  });

  it('names the images of older user messages instead of sending them again', () => {
    const image = 'data:image/png;base64,iVBORw0KGgo=';
    const messages: MemoryMessage[] = [
      { id: 'u1', content: { kind: 'user', text: 'Build this design', images: [image, image] } },
      ...agentStep('Looking', [{ name: 'list_files', args: {}, output: 'src/' }]),
      { id: 'u2', content: { kind: 'user', text: 'And this one', images: [image] } },
      ...agentStep('Looking again'),
    ];
    expect(recentStart(messages, 1)).toBe(3); // the kept turn starts with the user message that asked for it
    const masked = maskObservations(messages, 1);
    expect(masked[0]!.content).toEqual({ kind: 'user', text: 'Build this design\n[2 image(s) attached earlier, not shown again]' });
    expect(masked[3]!.content).toEqual(messages[3]!.content);
  });

  it('drops the screenshots of older tool results with their output', () => {
    const image = 'data:image/png;base64,iVBORw0KGgo=';
    const step = agentStep('Looking', [{ name: 'screenshot_preview', args: {}, output: 'Screenshot attached.' }]);
    const shot = step.map((m) => (m.content.kind === 'tool' ? { ...m, content: { ...m.content, images: [image] } } : m));
    const messages: MemoryMessage[] = [userMessage('Build it'), ...shot, userMessage('Now the footer'), ...shot];
    const masked = maskObservations(messages, 1);
    expect(tool(masked[2]!)).not.toHaveProperty('images');
    expect(tool(masked[2]!)!.output).toMatch(/^\[output masked: screenshot_preview/);
    expect(tool(masked.at(-1)!)!.images).toEqual([image]);
  });
});
