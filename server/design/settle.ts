import 'server-only';
import type { Page } from 'playwright-core';

// When a loaded page is ready for its picture (server/design/server-capture.ts): no request in flight,
// fonts ready, and two animation frames later still no new request (what the page's scripts start right
// after load, a React effect's fetch or a lazy chunk, begins within those frames). A fixed quiet window
// would cost its whole length on every capture; this costs two frames on a page that is done.
// Hand-written: Playwright's 'networkidle' waits a fixed 500 ms of quiet.

export interface RequestTracker {
  readonly inflight: number;
  /** Requests seen since the page was opened. */
  readonly seen: number;
  /** Resolves when no request is in flight. */
  idle(): Promise<void>;
}

/** Counts the page's requests in flight; attach once, before the first navigation. */
export function trackRequests(page: Page): RequestTracker {
  let inflight = 0;
  let seen = 0;
  const waiting: (() => void)[] = [];
  const changed = () => {
    if (inflight === 0) for (const resolve of waiting.splice(0)) resolve();
  };
  page.on('request', () => {
    inflight++;
    seen++;
  });
  const end = () => {
    // A request of the document before can end after the next navigation began: never below zero.
    inflight = Math.max(0, inflight - 1);
    changed();
  };
  page.on('requestfinished', end);
  page.on('requestfailed', end);
  return {
    get inflight() {
      return inflight;
    },
    get seen() {
      return seen;
    },
    idle: () => (inflight === 0 ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
  };
}

/** A string, not a function: evaluated in the page as written (no transpiler helpers). */
const FONTS_AND_TWO_FRAMES = 'document.fonts.ready.then(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(() => r()))))';

/** Waits until the loaded page is settled (above), or `maxMs` at most. */
export async function settle(page: Page, requests: RequestTracker, maxMs: number): Promise<void> {
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loop = async () => {
    while (!stopped) {
      await requests.idle();
      const seen = requests.seen;
      await page.evaluate(FONTS_AND_TWO_FRAMES);
      if (requests.inflight === 0 && requests.seen === seen) return;
    }
  };
  try {
    await Promise.race([loop().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, maxMs)))]);
  } finally {
    stopped = true;
    clearTimeout(timer);
  }
}
