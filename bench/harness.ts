// A tiny benchmark harness: `npm run bench:<name>` runs bench/<name>.ts, which calls runBench().
// Results go to bench/results/<name>.json (with commit and machine) and a table is printed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Row {
  [column: string]: string | number | null;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

function commit(): string {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

export async function runBench(
  name: string,
  run: () => Promise<{ inputs?: Record<string, unknown>; rows: Row[]; summary?: Record<string, unknown> }>,
): Promise<void> {
  const started = new Date();
  const result = await run();
  const record = {
    name,
    startedAt: started.toISOString(),
    commit: commit(),
    environment: { node: process.version, platform: `${os.platform()} ${os.arch()}`, cpus: os.cpus().length, memoryGiB: Math.round(os.totalmem() / 2 ** 30) },
    ...result,
  };
  const out = path.join(import.meta.dirname, 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(record, null, 2)}\n`);
  console.table(result.rows);
  if (result.summary) console.log(JSON.stringify(result.summary, null, 2));
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}
