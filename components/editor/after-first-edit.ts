// What waits for the editor to be in use, so it never competes with the first keystroke: the TypeScript
// service (a 7 MB worker, and a model for every project file) once a TS/JS file has focus, and the
// workbench's other panels once the editor exists. Each starts after the first edit has
// been drawn, or after a moment without one, whichever comes first.

/** How long a TS/JS file has focus, without an edit, before its language service starts. */
export const TYPESCRIPT_DELAY_MS = 1500;
/** How long the editor exists, without an edit, before the other panels start. */
export const PANELS_DELAY_MS = 800;

export interface Timers {
  /** Runs `fn` once the page is idle; returns a cancel function. */
  idle: (fn: () => void) => () => void;
  /** Runs `fn` after `ms`; returns a cancel function. */
  delay: (fn: () => void, ms: number) => () => void;
}

export const browserTimers: Timers = {
  idle: (fn) => {
    if (typeof requestIdleCallback !== 'function') return browserTimers.delay(fn, 50);
    const id = requestIdleCallback(fn, { timeout: 1000 });
    return () => cancelIdleCallback(id);
  },
  delay: (fn, ms) => {
    const id = setTimeout(fn, ms);
    return () => clearTimeout(id);
  },
};

/**
 * Calls `run` once: at the first idle moment after an edit (`onEdit` subscribes to edits), or after
 * `delayMs` and an idle moment with no edit. `dispose()` cancels whatever is pending.
 */
export function afterFirstEdit(
  onEdit: (listener: () => void) => { dispose: () => void },
  run: () => void,
  delayMs: number,
  timers: Timers = browserTimers,
): { dispose: () => void } {
  let done = false;
  let cancelIdle: (() => void) | undefined;
  const whenIdle = () => {
    if (done || cancelIdle) return;
    cancelIdle = timers.idle(() => {
      if (done) return;
      dispose();
      run();
    });
  };
  const edits = onEdit(whenIdle);
  const cancelDelay = timers.delay(whenIdle, delayMs);
  function dispose() {
    done = true;
    edits.dispose();
    cancelDelay();
    cancelIdle?.();
  }
  return { dispose };
}
