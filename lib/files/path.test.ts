import { describe, expect, it } from 'vitest';
import { isWithin, normalizeProjectPath } from '@/lib/files/path';

describe('normalizeProjectPath', () => {
  it.each([
    ['src/App.tsx', 'src/App.tsx'],
    ['./src//App.tsx', 'src/App.tsx'],
    ['src/./lib/', 'src/lib'],
    ['docs/résumé.md', 'docs/résumé.md'],
    ['i18n/ar/مرحبا.txt', 'i18n/ar/مرحبا.txt'],
    ['a\u00a0b', 'a\u00a0b'],
    ['a\u2065b', 'a\u2065b'],
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
    ['a\u007fb', /control characters/],
    ['a\u0080b', /control characters/],
    ['src/a\u009bb.ts', /control characters/],
    ['evil\u202etxt.js', /bidirectional/],
    ['a\u202ab', /bidirectional/],
    ['a\u2066b', /bidirectional/],
    ['a\u2069b', /bidirectional/],
    ['a\u200eb', /bidirectional/],
    ['a\u200fb', /bidirectional/],
    ['a\u061cb', /bidirectional/],
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
