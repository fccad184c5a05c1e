import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { designsDirFor } from '@/lib/design/designs-dir';

// The design fixtures live beside the repository in ../shared/designs (README there); in a git
// worktree, beside the main checkout. Tests and bench:capture skip, saying so, when they are missing.

// Next's bundle of the /dev/fidelity page has no import.meta.dirname; it runs from the repository root.
const ROOT = import.meta.dirname ? path.resolve(import.meta.dirname, '../..') : process.cwd();

export function designsDir(): string {
  return designsDirFor(ROOT);
}

/** Names of the designs that have an HTML file and a desktop PNG. */
export function designNames(dir = designsDir()): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.html') && fs.existsSync(path.join(dir, `${f.slice(0, -5)}.png`)))
    .map((f) => f.slice(0, -5))
    .sort();
}
