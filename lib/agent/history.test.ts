import { describe, expect, it } from 'vitest';
import { cardTitle, endStreaming, formatTokens, itemsFromHistory, streamEvent, type ChatItem } from '@/lib/agent/history';
import type { TurnEvent } from '@/lib/agent/protocol';

const start: TurnEvent = { type: 'start', chatId: 'c', model: 'm', api: 'chat', step: 1, maxSteps: 40 };

describe('history', () => {
  it('streams text, tool calls, usage and done into one answer', () => {
    let items: ChatItem[] = [{ kind: 'user', id: null, text: 'hi' }];
    const events: TurnEvent[] = [
      start,
      { type: 'text', delta: 'Hel' },
      { type: 'text', delta: 'lo' },
      { type: 'tool_calls', messageId: 'a1', calls: [{ id: 't1', name: 'read_file', arguments: '{"path":"a"}', args: { path: 'a' } }] },
      { type: 'usage', usage: { promptTokens: 3, completionTokens: 2 } },
      { type: 'done', finishReason: 'tool_calls', messageId: 'a1', step: 1 },
    ];
    for (const e of events) items = streamEvent(items, e);
    expect(items).toEqual([
      { kind: 'user', id: null, text: 'hi' },
      { kind: 'assistant', id: 'a1', text: 'Hello', callIds: ['t1'], usage: { promptTokens: 3, completionTokens: 2 }, streaming: false },
    ]);
    expect(endStreaming(streamEvent(items, start)).at(-1)).toMatchObject({ streaming: false, text: '' });
  });

  it('rebuilds messages and card statuses from stored messages', () => {
    const { items, cards } = itemsFromHistory([
      { id: 'u', content: { kind: 'user', text: 'go' } },
      {
        id: 'a',
        usage: { promptTokens: 1, completionTokens: 1 },
        content: {
          kind: 'assistant',
          text: '',
          finishReason: 'tool_calls',
          model: 'm',
          toolCalls: ['x', 'y', 'z', 'w'].map((id) => ({ id, name: 'run_command', arguments: '{}', args: { command: `echo ${id}` } })),
        },
      },
      { id: 't1', content: { kind: 'tool', toolCallId: 'x', name: 'run_command', ok: true, output: 'ok' } },
      { id: 't2', content: { kind: 'tool', toolCallId: 'y', name: 'run_command', ok: false, output: 'Not allowed: read-only' } },
      { id: 't3', content: { kind: 'tool', toolCallId: 'z', name: 'run_command', ok: false, output: 'The user chose not to run this command.' } },
      { id: 'u2', content: { kind: 'user', text: '[Automatic check 1/3] The last command failed' } },
    ]);
    expect(items.map((i) => i.kind)).toEqual(['user', 'assistant', 'user']);
    expect(items[2]).toMatchObject({ auto: true });
    expect(Object.values(cards).map((c) => c.status)).toEqual(['done', 'denied', 'skipped', 'skipped']);
    expect(cardTitle(cards.x!)).toBe('$ echo x');
  });

  it('shows a live compaction before the answer it preceded, and stored ones where they happened', () => {
    let items: ChatItem[] = [{ kind: 'user', id: null, text: 'go on' }];
    for (const e of [start, { type: 'compacted', before: 182_000, after: 21_000, version: 2, notice: null }, { type: 'text', delta: 'ok' }] as TurnEvent[]) items = streamEvent(items, e);
    expect(items.map((i) => i.kind)).toEqual(['user', 'compaction', 'assistant']);
    expect(items[2]).toMatchObject({ text: 'ok', streaming: true });

    const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
    const stored = itemsFromHistory(
      [
        { id: 'u1', content: { kind: 'user', text: 'a' }, createdAt: at(1) },
        { id: 'a1', content: { kind: 'assistant', text: 'b', toolCalls: [], finishReason: 'stop', model: 'm' }, createdAt: at(3) },
        { id: 'u2', content: { kind: 'user', text: 'c' }, createdAt: at(4) },
      ],
      [
        { version: 1, tokensBefore: 9000, tokensAfter: 900, notice: null, createdAt: at(2) },
        { version: 2, tokensBefore: 5000, tokensAfter: 800, notice: '1 turn was dropped', createdAt: at(5) },
      ],
    );
    expect(stored.items.map((i) => i.id)).toEqual(['u1', 'compaction-1', 'a1', 'u2', 'compaction-2']);
    expect(stored.items[4]).toMatchObject({ kind: 'compaction', before: 5000, after: 800, version: 2, notice: '1 turn was dropped' });
  });

  it('formats token counts for the meter', () => {
    expect([950, 9_500, 21_400, 182_000, 1_047_576].map(formatTokens)).toEqual(['950', '9.5k', '21k', '182k', '1.0M']);
    expect(cardTitle({ name: 'remember', args: { text: 'Use pnpm' } })).toBe('Remember: Use pnpm');
  });
});
