import { atom } from 'nanostores';
import { describe, expect, it } from 'vitest';
import { PreviewStore } from '@/lib/stores/preview';

const origin = 'http://5173-abc.preview.localhost:3000';

function store(servers: Record<number, string> = { 5173: `${origin}/` }) {
  const s = atom(servers);
  return { servers: s, preview: new PreviewStore({ servers: s }) };
}

describe('PreviewStore', () => {
  it('shows the lowest port until one is chosen, and follows servers that close', () => {
    const { servers, preview } = store({ 5173: `${origin}/`, 51204: 'http://51204-abc.preview.localhost:3000/' });
    expect(preview.port.get()).toBe(5173);
    preview.selectPort(51204);
    expect(preview.url.get()).toBe('http://51204-abc.preview.localhost:3000/');
    servers.set({ 5173: `${origin}/` });
    expect(preview.port.get()).toBe(5173);
    servers.set({});
    expect(preview.url.get()).toBeNull();
  });

  it('navigates by path or by full URL on its own origin only', () => {
    const { preview } = store();
    preview.navigate('about?x=1');
    expect(preview.url.get()).toBe(`${origin}/about?x=1`);
    preview.navigate(`${origin}/docs#top`);
    expect(preview.path.get()).toBe('/docs#top');
    expect(() => preview.navigate('http://localhost:3000/api/trpc')).toThrow(/only shows/);
    expect(preview.reloads.get()).toBe(2);
  });

  it('collects runtime errors with the project file and line, counting repeats', () => {
    const { preview } = store();
    const error = { source: 'ide-preview', type: 'error', message: 'x is not defined', url: `${origin}/src/App.tsx?t=123`, line: 7, column: 3 };
    preview.receive(error);
    preview.receive(error);
    preview.receive({ source: 'ide-preview', type: 'unhandledrejection', message: 'boom', stack: `Error: boom\n    at load (${origin}/src/api.ts:12:9)` });
    preview.receive({ source: 'ide-preview', type: 'load', message: 'Failed to load', url: `${origin}/src/missing.tsx` });
    expect(preview.problems.get()).toMatchObject([
      { kind: 'error', message: 'x is not defined', file: 'src/App.tsx', line: 7, column: 3, count: 2 },
      { kind: 'unhandledrejection', message: 'boom', file: 'src/api.ts', line: 12, column: 9, count: 1 },
      { kind: 'load', file: 'src/missing.tsx', count: 1 },
    ]);
    preview.clearProblems();
    expect(preview.problems.get()).toEqual([]);
  });

  it('ignores malformed or foreign messages and caps what it keeps', () => {
    const { preview } = store();
    for (const junk of [null, 'text', { type: 'error' }, { source: 'ide-preview', type: 'eval', message: 'x' }]) preview.receive(junk);
    expect(preview.problems.get()).toEqual([]);
    preview.receive({ source: 'ide-preview', type: 'console', message: 'y'.repeat(100_000), line: -4 });
    const [p] = preview.problems.get();
    expect(p?.message).toHaveLength(4000);
    expect(p?.line).toBeUndefined();
    for (let i = 0; i < 150; i++) preview.receive({ source: 'ide-preview', type: 'console', message: `e${i}` });
    expect(preview.problems.get()).toHaveLength(100);
  });

  it('follows in-page navigation on its origin in the URL bar, without reloading', () => {
    const { preview } = store();
    preview.receive({ source: 'ide-preview', type: 'location', href: `${origin}/users/1` });
    expect(preview.path.get()).toBe('/users/1');
    expect(preview.frameUrl.get()).toBe(`${origin}/`);
    preview.receive({ source: 'ide-preview', type: 'location', href: 'http://evil.example/' });
    expect(preview.path.get()).toBe('/users/1');
    expect(preview.reloads.get()).toBe(0);
  });
});
