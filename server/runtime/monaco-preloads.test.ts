import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { monacoPreloads } from '@/server/runtime/monaco-preloads';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('monaco preloads', () => {
  it("lists the chunks Monaco's entry imports statically, Monaco's core among them", () => {
    execFileSync(process.execPath, [path.join(root, 'server', 'runtime', 'build-monaco.mjs')], { cwd: root });
    const chunks = monacoPreloads();
    expect(chunks.length).toBeGreaterThan(0);
    const entry = fs.readFileSync(path.join(root, 'public', 'monaco', 'editor.js'), 'utf8');
    for (const url of chunks) expect(fs.existsSync(path.join(root, 'public', url))).toBe(true);
    // Every static import of the entry is listed (the largest is the editor's core).
    const imported = [...entry.matchAll(/from"\.\/([\w-]+\.js)"/g)].map((m) => `/monaco/${m[1]}`);
    expect(imported.length).toBeGreaterThan(0);
    expect(chunks).toEqual(expect.arrayContaining(imported));
    const largest = Math.max(...chunks.map((url) => fs.statSync(path.join(root, 'public', url)).size));
    expect(largest).toBeGreaterThan(1024 ** 2);
  });
});
