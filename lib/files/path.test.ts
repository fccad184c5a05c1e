import { describe, expect, it } from 'vitest';
import { isWithin, normalizeProjectPath } from '@/lib/files/path';

describe('normalizeProjectPath', () => {
  it.each([
    ['src/App.tsx', 'src/App.tsx'],
    ['./src//App.tsx', 'src/App.tsx'],
    ['src/./lib/', 'src/lib'],
  ])('normalizes %s', (input, expected) => {
    expect(normalizeProjectPath(input)).toBe(expected);
  });

  it.each([
    ['../etc/passwd', /"\.\." is not allowed/],
    ['src/../../x', /"\.\." is not allowed/],
    ['/etc/passwd', /Absolute paths/],
    ['C:/x', /Absolute paths/],
    ['a\0b', /NUL/],
    ['a\\b', /"\/"/],
    ['', /empty/],
    ['./', /empty/],
    ['a/\u0007b', /control characters/],
    ['x'.repeat(300), /too long/],
  ])('rejects %j', (input, message) => {
    expect(() => normalizeProjectPath(input)).toThrow(message);
  });

  it('tells folders from prefixes', () => {
    expect(isWithin('src/a.ts', 'src')).toBe(true);
    expect(isWithin('src', 'src')).toBe(true);
    expect(isWithin('srcx/a.ts', 'src')).toBe(false);
  });
});
