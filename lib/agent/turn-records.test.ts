import { describe, expect, it } from 'vitest';
import type { TurnRecord } from '@/lib/agent/history';
import { loadTurns, saveTurns } from '@/lib/agent/turn-records';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

const turn = (id: number, text = 'x'): TurnRecord => ({ id, prompt: `p${id}`, changes: [{ path: 'a.ts', before: null, after: text }], usage: { promptTokens: 1, completionTokens: 1 }, reverted: false });

describe('turn records', () => {
  it('round-trips per chat, keeping the last ten', () => {
    const s = memoryStorage();
    saveTurns(s, 'c1', Array.from({ length: 12 }, (_, i) => turn(i + 1)));
    expect(loadTurns(s, 'c1').map((t) => t.id)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(loadTurns(s, 'c2')).toEqual([]);
  });

  it('drops the oldest turns to fit the size cap', () => {
    const s = memoryStorage();
    saveTurns(s, 'c', [turn(1, 'a'.repeat(1_500_000)), turn(2, 'b'.repeat(1_000_000))]);
    expect(loadTurns(s, 'c').map((t) => t.id)).toEqual([2]);
  });

  it('ignores damaged or foreign data', () => {
    const s = memoryStorage();
    s.setItem('ide:agent-turns:c', '{not json');
    expect(loadTurns(s, 'c')).toEqual([]);
    s.setItem('ide:agent-turns:c', JSON.stringify([turn(1), { id: 'x' }, { ...turn(2), changes: [{ path: 1 }] }]));
    expect(loadTurns(s, 'c').map((t) => t.id)).toEqual([1]);
  });
});
