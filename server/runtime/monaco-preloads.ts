import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

// The chunks Monaco's entry imports statically (public/monaco/preload.json, written by build-monaco.mjs),
// for the project page to preload beside the entry: without them the browser learns of Monaco's core
// chunk only once the entry has downloaded and the workbench has asked for it.

const listSchema = z.array(z.string().regex(/^\/monaco\/[\w-]+\.js$/)).max(32);
let cached: string[] | undefined;

export function monacoPreloads(): string[] {
  if (cached) return cached;
  try {
    const file = path.join(/* turbopackIgnore: true */ process.cwd(), 'public', 'monaco', 'preload.json');
    cached = listSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  } catch {
    cached = []; // no bundle yet (a test, a development server before its first build): nothing to preload
  }
  return cached;
}
