import { describe, expect, it } from 'vitest';
import { afterFirstEdit, type Timers } from '@/components/editor/after-first-edit';

const DELAY_MS = 1500;

// Timers driven by hand: the test says when the page is idle and when time has passed.
function manualTimers() {
  const idle: (() => void)[] = [];
  const delays: { fn: () => void; ms: number }[] = [];
  const timers: Timers = {
    idle: (fn) => (idle.push(fn), () => idle.splice(idle.indexOf(fn), 1)),
    delay: (fn, ms) => {
      const entry = { fn, ms };
      delays.push(entry);
      return () => delays.splice(delays.indexOf(entry), 1);
    },
  };
  return { timers, idle, delays, runIdle: () => idle.splice(0).forEach((fn) => fn()), elapse: () => delays.splice(0).forEach((d) => d.fn()) };
}

function editor() {
  const listeners = new Set<() => void>();
  return {
    onEdit: (listener: () => void) => (listeners.add(listener), { dispose: () => listeners.delete(listener) }),
    edit: () => listeners.forEach((l) => l()),
    listeners,
  };
}

describe('afterFirstEdit', () => {
  it('does not run before an edit or the delay, even when the page goes idle', () => {
    const t = manualTimers();
    const e = editor();
    let started = 0;
    afterFirstEdit(e.onEdit, () => started++, DELAY_MS, t.timers);
    t.runIdle();
    expect(started).toBe(0);
    expect(t.delays.map((d) => d.ms)).toEqual([DELAY_MS]);
  });

  it('starts at the first idle moment after an edit, once', () => {
    const t = manualTimers();
    const e = editor();
    let started = 0;
    afterFirstEdit(e.onEdit, () => started++, DELAY_MS, t.timers);
    e.edit();
    expect(started).toBe(0); // the edit is drawn first
    t.runIdle();
    expect(started).toBe(1);
    e.edit();
    t.elapse();
    t.runIdle();
    expect(started).toBe(1);
    expect(e.listeners.size).toBe(0);
    expect(t.delays).toHaveLength(0);
  });

  it('starts after the delay without any edit', () => {
    const t = manualTimers();
    const e = editor();
    let started = 0;
    afterFirstEdit(e.onEdit, () => started++, DELAY_MS, t.timers);
    t.elapse();
    t.runIdle();
    expect(started).toBe(1);
  });

  it('never starts once disposed', () => {
    const t = manualTimers();
    const e = editor();
    let started = 0;
    const pending = afterFirstEdit(e.onEdit, () => started++, DELAY_MS, t.timers);
    e.edit();
    pending.dispose();
    t.runIdle();
    t.elapse();
    e.edit();
    t.runIdle();
    expect(started).toBe(0);
  });
});
