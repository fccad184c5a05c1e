import 'server-only';
import { EventEmitter } from 'node:events';

// Wake-ups for the live views (server/workshop/live.ts) when something changes through this process:
// an announcement, the end, a test run, an agent turn. The views also re-read on a timer, which covers
// what happens without an event (a student's saves, an end time passing).

const emitter = new EventEmitter();
// One listener per open dashboard and per student's workbench: no fixed ceiling.
emitter.setMaxListeners(0);

export function workshopChanged(workshopId: string): void {
  emitter.emit(workshopId);
}

/** Resolves at the next change of the workshop, after `ms`, or when `signal` aborts, whichever is first. */
export function nextChange(workshopId: string, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter.off(workshopId, done);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    emitter.on(workshopId, done);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * A live view: yields `load()` now and again whenever it differs from what was last yielded, re-reading
 * at each change event and at least every `ms` (so staleness is at most `ms` plus one read).
 */
export async function* watchWorkshop<T>(workshopId: string, load: () => Promise<T>, ms: number, signal?: AbortSignal): AsyncGenerator<T> {
  let last = '';
  while (!signal?.aborted) {
    const value = await load();
    const key = JSON.stringify(value);
    if (key !== last) {
      last = key;
      yield value;
    }
    await nextChange(workshopId, ms, signal);
  }
}
