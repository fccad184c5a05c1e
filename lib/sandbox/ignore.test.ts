import { describe, expect, it } from 'vitest';
import { createIgnore } from '@/lib/sandbox/ignore';

describe('sync ignore rules', () => {
  it('always skips dependencies, build output and caches', () => {
    const ignore = createIgnore(null);
    for (const p of ['node_modules/react/index.js', 'packages/a/node_modules/x.js', '.git/HEAD', 'dist/index.html', '.vite/deps/a.js']) {
      expect(ignore(p), p).toBe(true);
    }
    for (const p of ['src/App.tsx', 'package.json', 'src/dist.ts', 'distance.md']) expect(ignore(p), p).toBe(false);
  });

  it('follows the common .gitignore forms', () => {
    const ignore = createIgnore('# comment\n*.log\n/tmp\nsecret/\ndocs/*.pdf\n!keep.log\n');
    expect(ignore('npm-debug.log')).toBe(true);
    expect(ignore('src/deep/x.log')).toBe(true);
    expect(ignore('keep.log')).toBe(false);
    expect(ignore('tmp/a.txt')).toBe(true);
    expect(ignore('src/tmp/a.txt')).toBe(false);
    expect(ignore('secret/key.pem')).toBe(true);
    expect(ignore('docs/guide.pdf')).toBe(true);
    expect(ignore('docs/guide.md')).toBe(false);
  });
});
