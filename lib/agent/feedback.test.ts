import { describe, expect, it } from 'vitest';
import { autoFeedback, failedCommand, newProblems, problemKeys } from '@/lib/agent/feedback';
import type { Problem } from '@/lib/stores/preview';

const problem = (message: string, count = 1): Problem => ({ id: message, kind: 'error', message, count, at: 0 });
const signal = new AbortController().signal;

describe('automatic feedback', () => {
  it('takes the last command only, and not one the user stopped', () => {
    expect(failedCommand([{ command: 'a', exitCode: 1 }, { command: 'b', exitCode: 0 }])).toBeNull();
    expect(failedCommand([{ command: 'a', exitCode: 0 }, { command: 'b', exitCode: 2 }])?.command).toBe('b');
    expect(failedCommand([{ command: 'a', exitCode: 0, reason: 'timeout' }])?.command).toBe('a');
    expect(failedCommand([{ command: 'a', exitCode: 137, reason: 'killed', userStopped: true }])).toBeNull();
  });

  it('counts new and repeated preview errors, not old ones', () => {
    const before = problemKeys([problem('old'), problem('again')]);
    expect(newProblems(before, [problem('old'), problem('again', 2), problem('new')]).map((p) => p.message)).toEqual(['again', 'new']);
  });

  it('asks for a fix after edits that broke the preview, and only then', async () => {
    let problems: Problem[] = [];
    const env = { preview: () => ({ servers: { 5173: 'http://x' }, port: 5173, problems }) };
    const baseline = problemKeys([]);
    problems = [problem('x is not defined')];
    expect(await autoFeedback(env, [], true, baseline, 0, signal)).toContain('1 new runtime error');
    expect(await autoFeedback(env, [], false, baseline, 0, signal)).toBeNull();
    problems = [];
    expect(await autoFeedback(env, [], true, baseline, 0, signal)).toBeNull();
    expect(await autoFeedback(env, [{ command: 'npm test', exitCode: 1 }], false, baseline, 0, signal)).toContain('`npm test`, exited with code 1');
  });
});
