import { describe, expect, it } from 'vitest';
import { diffLines, diffStats, hunks } from '@/lib/agent/line-diff';

const apply = (lines: NonNullable<ReturnType<typeof diffLines>>, side: 'old' | 'new') =>
  lines.filter((l) => l.type === 'same' || l.type === (side === 'old' ? 'del' : 'add')).map((l) => l.text);

describe('diffLines', () => {
  it.each([
    ['a\nb\nc\n', 'a\nB\nc\n'],
    ['', 'x\ny\n'],
    ['x\ny\n', ''],
    ['1\n2\n3\n4\n5\n', '0\n1\n3\n4\n6\n5\n'],
    ['same\n', 'same\n'],
  ])('%j → %j reproduces both sides minimally', (before, after) => {
    const lines = diffLines(before, after)!;
    expect(apply(lines, 'old').join('\n')).toBe(before.replace(/\n$/, ''));
    expect(apply(lines, 'new').join('\n')).toBe(after.replace(/\n$/, ''));
  });

  it('finds the minimal edit', () => {
    expect(diffStats(diffLines('a\nb\nc\nd\n', 'a\nc\nd\ne\n')!)).toEqual({ added: 1, removed: 1 });
    expect(diffLines(null, 'new\n')).toEqual([{ type: 'add', text: 'new', newNo: 1 }]);
  });

  it('groups changes into hunks with context and line numbers', () => {
    const before = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n');
    const after = before.replace('line 5', 'LINE 5').replace('line 25', 'LINE 25');
    const h = hunks(diffLines(before, after)!);
    expect(h).toHaveLength(2);
    expect(h[0]).toMatchObject({ oldStart: 2, newStart: 2 });
    expect(h[0]!.lines.map((l) => `${l.type[0]}${l.text}`)).toEqual(['sline 2', 'sline 3', 'sline 4', 'dline 5', 'aLINE 5', 'sline 6', 'sline 7', 'sline 8']);
    expect(h[1]!.oldStart).toBe(22);
  });
});
