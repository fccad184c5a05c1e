// Sums test counts over the suites' logs (vitest and Playwright summaries) into one closing line.
// Arguments: "<exit status>:<log file>" per suite. A suite that failed before running any test
// (typecheck, lint, a crash) counts as one failure, so a red run never reads as green.
import { readFileSync } from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;

for (const arg of process.argv.slice(2)) {
  const sep = arg.indexOf(':');
  const status = Number(arg.slice(0, sep));
  const text = readFileSync(arg.slice(sep + 1), 'utf8').replace(/\u001b\[[0-9;]*m/g, '');
  let suiteFailed = 0;
  for (const line of text.split('\n')) {
    const vitest = /^\s*Tests\s+(.*)\(\d+\)\s*$/.exec(line);
    if (vitest) {
      passed += count(vitest[1], 'passed');
      suiteFailed += count(vitest[1], 'failed');
      skipped += count(vitest[1], 'skipped') + count(vitest[1], 'todo');
      continue;
    }
    const pw = /^\s+(\d+) (passed|failed|flaky|skipped|interrupted|did not run)(?: \(.*\))?\s*$/.exec(line);
    if (pw) {
      const n = Number(pw[1]);
      if (pw[2] === 'passed' || pw[2] === 'flaky') passed += n;
      else if (pw[2] === 'skipped' || pw[2] === 'did not run') skipped += n;
      else suiteFailed += n;
    }
  }
  if (status !== 0 && suiteFailed === 0) suiteFailed = 1;
  failed += suiteFailed;
}

function count(summary, word) {
  const m = new RegExp(`(\\d+) ${word}`).exec(summary);
  return m ? Number(m[1]) : 0;
}

console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
