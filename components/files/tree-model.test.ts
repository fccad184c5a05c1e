import { describe, expect, it } from 'vitest';
import { ancestors, buildTree, moveTarget, visibleRows } from '@/components/files/tree-model';
import { fuzzyFilter } from '@/components/files/fuzzy';

const files = ['src/App.tsx', 'src/main.tsx', 'src/lib/a10.ts', 'src/lib/a2.ts', 'package.json', 'README.md', '.gitignore'];

describe('tree model', () => {
  it('lists folders first, names in natural order, and descends only into expanded folders', () => {
    const root = buildTree(files);
    expect(visibleRows(root, new Set()).map((r) => r.path)).toEqual(['src', '.gitignore', 'package.json', 'README.md']);
    const rows = visibleRows(root, new Set(['src', 'src/lib']));
    expect(rows.map((r) => `${'  '.repeat(r.depth)}${r.name}`)).toEqual([
      'src',
      '  lib',
      '    a2.ts',
      '    a10.ts',
      '  App.tsx',
      '  main.tsx',
      '.gitignore',
      'package.json',
      'README.md',
    ]);
    expect(rows[0]).toMatchObject({ kind: 'directory', expanded: true, pending: false });
  });

  it('shows folders made in the tree until they hold a file', () => {
    const rows = visibleRows(buildTree(['src/a.ts'], ['src/empty', 'docs']), new Set(['src']));
    expect(rows.filter((r) => r.pending).map((r) => r.path)).toEqual(['docs', 'src/empty']);
    const filled = visibleRows(buildTree(['src/a.ts', 'docs/x.md'], ['docs']), new Set());
    expect(filled.find((r) => r.path === 'docs')?.pending).toBe(false);
  });

  it('finds the folders above a path and where a drag may land', () => {
    expect(ancestors('src/lib/a.ts')).toEqual(['src', 'src/lib']);
    expect(moveTarget('src/App.tsx', 'src/lib')).toBe('src/lib/App.tsx');
    expect(moveTarget('src/App.tsx', '')).toBe('App.tsx');
    expect(moveTarget('src/App.tsx', 'src')).toBeNull();
    expect(moveTarget('src', 'src/lib')).toBeNull();
    expect(moveTarget('src/lib', 'src/lib')).toBeNull();
  });
});

describe('quick open matching', () => {
  it('ranks file-name matches and word starts first', () => {
    const paths = ['src/App.tsx', 'src/lib/apply.ts', 'public/app-icon.png', 'src/main.tsx', 'docs/api.md'];
    expect(fuzzyFilter('app', paths).map((m) => m.path).slice(0, 2)).toEqual(['src/App.tsx', 'src/lib/apply.ts']);
    expect(fuzzyFilter('mt', paths)[0]?.path).toBe('src/main.tsx');
    expect(fuzzyFilter('zzz', paths)).toEqual([]);
    expect(fuzzyFilter('', paths)).toHaveLength(5);
    const [m] = fuzzyFilter('sapp', ['src/App.tsx']);
    expect(m?.positions).toEqual([0, 4, 5, 6]);
  });
});
