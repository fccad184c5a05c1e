import { stripVTControlCharacters } from 'node:util';

// Pass/fail counts from a test runner's summary, in output we do not trust (a student's terminal, the
// agent's command tool): at most MAX_SCAN characters (the tail, where summaries are) are read, colours and
// cursor codes removed, and the last summary wins. Anyone can print a summary line, so the counts are what
// the run printed, not a proof; they are shown as such.

const MAX_SCAN = 16 * 1024;
const MAX_COUNT = 1_000_000;

export interface TestCounts {
  passed: number;
  failed: number;
}

const count = (text: string, word: RegExp): number => {
  const m = word.exec(text);
  return m ? Math.min(Number(m[1]), MAX_COUNT) : 0;
};

type Found = { at: number; counts: TestCounts } | null;
type Parser = (lines: string[]) => Found;

/** Vitest: " Tests  1 failed | 3 passed (4)" (not "Test Files"). */
const vitest: Parser = (lines) => {
  const at = lines.findLastIndex((l) => /^\s*Tests\s{2,}.*\(\d+\)\s*$/.test(l));
  return at < 0 ? null : { at, counts: { passed: count(lines[at]!, /\b(\d{1,12}) passed/), failed: count(lines[at]!, /\b(\d{1,12}) failed/) } };
};

/** Jest: "Tests:       1 failed, 3 passed, 4 total". */
const jest: Parser = (lines) => {
  const at = lines.findLastIndex((l) => /^\s*Tests:\s+.*\d+ total\s*$/.test(l));
  return at < 0 ? null : { at, counts: { passed: count(lines[at]!, /\b(\d{1,12}) passed/), failed: count(lines[at]!, /\b(\d{1,12}) failed/) } };
};

/** node:test (spec reporter "ℹ pass 3", TAP "# pass 3") and TAP producers such as tape. */
const nodeTest: Parser = (lines) => {
  const at = lines.findLastIndex((l) => /^\s*(#|ℹ)\s+fail\s+\d+\s*$/.test(l));
  if (at < 0) return null;
  const pass = lines.slice(Math.max(0, at - 8), at).findLast((l) => /^\s*(#|ℹ)\s+pass\s+\d+\s*$/.test(l));
  return pass ? { at, counts: { passed: count(pass, /pass\s+(\d{1,12})/), failed: count(lines[at]!, /fail\s+(\d{1,12})/) } } : null;
};

/** Mocha: "  3 passing (12ms)" and, when some failed, "  1 failing". */
const mocha: Parser = (lines) => {
  const at = lines.findLastIndex((l) => /^\s*\d+ passing\b/.test(l));
  if (at < 0) return null;
  const failing = lines.slice(at + 1, at + 4).find((l) => /^\s*\d+ failing\b/.test(l));
  return { at, counts: { passed: count(lines[at]!, /\b(\d{1,12}) passing/), failed: failing ? count(failing, /\b(\d{1,12}) failing/) : 0 } };
};

/** The summary of the last test run in `output`, or null when it holds none. */
export function parseTestSummary(output: string): TestCounts | null {
  const text = stripVTControlCharacters(output.slice(-MAX_SCAN)).replace(/\r\n?/g, '\n');
  const lines = text.split('\n').map((l) => l.slice(0, 500));
  // The summary printed last wins (a terminal may show several runs, or runners that call each other).
  const found = [vitest, jest, nodeTest, mocha].map((parse) => parse(lines)).filter((f) => f !== null);
  return found.sort((a, b) => b.at - a.at)[0]?.counts ?? null;
}
