import { describe, expect, it } from 'vitest';
import { parseTestSummary } from '@/server/workshop/test-output';

// Test summaries in untrusted output: each runner's format, colours, several runs, junk and size.

describe('parseTestSummary', () => {
  it('reads Vitest, with colours, and not its "Test Files" line', () => {
    const out = ' \x1b[2m Test Files \x1b[22m \x1b[1m\x1b[31m1 failed\x1b[39m\x1b[22m\x1b[90m (1)\x1b[39m\r\n \x1b[2m      Tests \x1b[22m \x1b[1m\x1b[31m1 failed\x1b[39m\x1b[22m\x1b[2m | \x1b[22m\x1b[1m\x1b[32m3 passed\x1b[39m\x1b[22m\x1b[90m (4)\x1b[39m\r\n   Start at  10:00:01\r\n';
    expect(parseTestSummary(out)).toEqual({ passed: 3, failed: 1 });
    expect(parseTestSummary('      Tests  12 passed (12)\n')).toEqual({ passed: 12, failed: 0 });
  });

  it('reads Jest', () => {
    expect(parseTestSummary('Test Suites: 1 failed, 1 total\nTests:       2 failed, 5 passed, 7 total\nSnapshots:   0 total\n')).toEqual({ passed: 5, failed: 2 });
  });

  it('reads node:test (spec and TAP reporters) and tape', () => {
    expect(parseTestSummary('ℹ tests 4\nℹ suites 0\nℹ pass 3\nℹ fail 1\nℹ cancelled 0\n')).toEqual({ passed: 3, failed: 1 });
    expect(parseTestSummary('TAP version 13\nok 1 - a\n1..1\n# tests 1\n# pass 1\n# fail 0\n')).toEqual({ passed: 1, failed: 0 });
  });

  it('reads Mocha', () => {
    expect(parseTestSummary('  4 passing (20ms)\n  1 failing\n\n  1) adds:\n')).toEqual({ passed: 4, failed: 1 });
    expect(parseTestSummary('  4 passing (20ms)\n')).toEqual({ passed: 4, failed: 0 });
  });

  it('takes the last run when a terminal shows several', () => {
    expect(parseTestSummary('      Tests  1 failed | 1 passed (2)\n$ npm test\nTests:       2 passed, 2 total\n')).toEqual({ passed: 2, failed: 0 });
  });

  it('finds nothing in output without a summary, or with a half one', () => {
    expect(parseTestSummary('npm ERR! missing script: test\n')).toBeNull();
    expect(parseTestSummary('ℹ pass 3\n')).toBeNull();
    expect(parseTestSummary('')).toBeNull();
  });

  it('caps what it reads and the counts it believes', () => {
    const flood = `${'x'.repeat(5_000_000)}\n      Tests  99999999999 passed (1)\n`;
    const started = performance.now();
    expect(parseTestSummary(flood)).toEqual({ passed: 1_000_000, failed: 0 });
    expect(parseTestSummary(`      Tests  9999999 passed (9999999)\n${'y\n'.repeat(20_000)}`)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
