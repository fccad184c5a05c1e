import { describe, expect, it } from 'vitest';
import { toFlatTree, toNestedTree } from '@/lib/sandbox/webcontainer/tree';

describe('WebContainer trees', () => {
  it('nests flat paths and flattens them back', () => {
    const nested = toNestedTree({ 'package.json': '{}', 'src/App.tsx': 'x', 'src/lib/a.ts': new Uint8Array([1, 2]) });
    expect(nested).toEqual({
      'package.json': { file: { contents: '{}' } },
      src: { directory: { 'App.tsx': { file: { contents: 'x' } }, lib: { directory: { 'a.ts': { file: { contents: new Uint8Array([1, 2]) } } } } } },
    });
    const flat = toFlatTree(nested);
    expect(Object.keys(flat).sort()).toEqual(['package.json', 'src/App.tsx', 'src/lib/a.ts']);
    expect(new TextDecoder().decode(flat['src/App.tsx'])).toBe('x');
  });

  it('refuses a path that is both a file and a folder', () => {
    expect(() => toNestedTree({ a: '1', 'a/b': '2' })).toThrow(/both a file and a folder/);
  });
});
