import { describe, expect, it } from 'vitest';
import { EditorStore } from '@/lib/stores/editor';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('EditorStore', () => {
  it('opens tabs after the active one, closes to the right neighbour, and remembers them per project', () => {
    const storage = memoryStorage();
    const editor = new EditorStore({ projectId: 'p1', storage });
    editor.open('a.ts');
    editor.open('b.ts');
    editor.activate('a.ts');
    editor.open('c.ts');
    expect(editor.tabs.get()).toEqual(['a.ts', 'c.ts', 'b.ts']);
    editor.close('c.ts');
    expect(editor.active.get()).toBe('b.ts');

    const reloaded = new EditorStore({ projectId: 'p1', storage });
    expect(reloaded.tabs.get()).toEqual(['a.ts', 'b.ts']);
    expect(reloaded.active.get()).toBe('b.ts');
    expect(new EditorStore({ projectId: 'p2', storage }).tabs.get()).toEqual([]);
  });

  it('survives a corrupt saved entry and a storage that throws', () => {
    const storage = memoryStorage();
    storage.setItem('ide:p1:tabs', '{not json');
    expect(new EditorStore({ projectId: 'p1', storage }).tabs.get()).toEqual([]);
    storage.setItem('ide:p1:tabs', JSON.stringify({ tabs: ['x', 3, null], active: 'gone' }));
    const editor = new EditorStore({ projectId: 'p1', storage });
    expect(editor.tabs.get()).toEqual(['x']);
    expect(editor.active.get()).toBe('x');
    const full = new EditorStore({
      projectId: 'p3',
      storage: { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); } },
    });
    full.open('y');
    expect(full.tabs.get()).toEqual(['y']);
  });

  it('tabs follow renames and close with deletes of a file or a folder', () => {
    const editor = new EditorStore({ projectId: 'p', storage: null });
    for (const p of ['src/a.ts', 'src/lib/b.ts', 'srcx.ts']) editor.open(p);
    editor.renamed('src', 'app');
    expect(editor.tabs.get()).toEqual(['app/a.ts', 'app/lib/b.ts', 'srcx.ts']);
    expect(editor.active.get()).toBe('srcx.ts');
    editor.removed('app/lib');
    expect(editor.tabs.get()).toEqual(['app/a.ts', 'srcx.ts']);
    editor.retain((p) => p !== 'srcx.ts');
    expect(editor.tabs.get()).toEqual(['app/a.ts']);
    expect(editor.active.get()).toBe('app/a.ts');
  });

  it('reveal requests carry a sequence so the same spot can be revealed twice', () => {
    const editor = new EditorStore({ projectId: 'p', storage: null });
    editor.open('a.ts', { line: 3 });
    const first = editor.reveal.get();
    expect(first).toMatchObject({ path: 'a.ts', line: 3, column: 1 });
    editor.revealHandled(first!.seq);
    expect(editor.reveal.get()).toBeNull();
    editor.open('a.ts', { line: 3 });
    expect(editor.reveal.get()!.seq).toBeGreaterThan(first!.seq);
  });

  it('cycles and reorders tabs, and caps how many stay open', () => {
    const editor = new EditorStore({ projectId: 'p', storage: null });
    for (let i = 0; i < 35; i++) editor.open(`f${i}`);
    expect(editor.tabs.get()).toHaveLength(30);
    expect(editor.tabs.get()[0]).toBe('f5');
    editor.cycle(1);
    expect(editor.active.get()).toBe('f5');
    editor.cycle(-1);
    expect(editor.active.get()).toBe('f34');
    editor.move('f34', 0);
    expect(editor.tabs.get().slice(0, 2)).toEqual(['f34', 'f5']);
  });
});
