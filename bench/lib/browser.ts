import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../../lib/chromium';
import { median } from '../harness';


export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS });
}

export interface JsFile {
  /** URL path without scheme and host (no query string). */
  path: string;
  rawBytes: number;
  gzipBytes: number;
}

export interface JsTally {
  rawBytes: number;
  gzipBytes: number;
  files: number;
  /** Every file counted, largest raw size first. */
  byFile: JsFile[];
}

/**
 * Counts the JavaScript a page downloads: every response that is a script or is served as JavaScript (so
 * module preloads and worker scripts count too); blob: and data: URLs are not downloads and are left out.
 * `mark()` is how many responses have been seen so far; `tally(mark)` counts only those (all when omitted);
 * `requestedBefore` (ms since the epoch) further keeps only requests the page started before that moment.
 */
export function countJs(page: Page): { mark: () => number; tally: (upTo?: number, requestedBefore?: number) => Promise<JsTally> } {
  const seen: { url: string; startedAt: number; body: Promise<Buffer | null> }[] = [];
  page.on('response', (res) => {
    if (/^(blob|data):/.test(res.url())) return;
    const isJs = res.request().resourceType() === 'script' || /javascript/i.test(res.headers()['content-type'] ?? '');
    if (isJs) seen.push({ url: res.url(), startedAt: res.request().timing().startTime, body: res.body().catch(() => null) });
  });
  return {
    mark: () => seen.length,
    tally: async (upTo = seen.length, requestedBefore = Infinity) => {
      const byFile: JsFile[] = [];
      for (const { url, startedAt, body } of seen.slice(0, upTo)) {
        if (startedAt >= requestedBefore) continue;
        const b = await body;
        if (b) byFile.push({ path: new URL(url).pathname, rawBytes: b.length, gzipBytes: gzipSync(b).length });
      }
      byFile.sort((a, b) => b.rawBytes - a.rawBytes);
      return {
        files: byFile.length,
        rawBytes: byFile.reduce((n, f) => n + f.rawBytes, 0),
        gzipBytes: byFile.reduce((n, f) => n + f.gzipBytes, 0),
        byFile,
      };
    },
  };
}

export async function domContentLoadedMs(page: Page): Promise<number> {
  return page.evaluate(() => {
    const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
    return nav ? nav.domContentLoadedEventEnd - nav.startTime : Number.NaN;
  });
}

export const SETTLE = "'load', then until the network is idle for 500 ms, at most 3 s";

/** After 'load', waits for the network to go quiet (500 ms without requests), at most 3 s; false if it never did. */
export async function settle(page: Page): Promise<boolean> {
  return page.waitForLoadState('networkidle', { timeout: 3_000 }).then(
    () => true,
    () => false,
  );
}

export type Cookies = Parameters<BrowserContext['addCookies']>[0];

export interface LoadMedians {
  rawBytes: number;
  gzipBytes: number;
  files: number;
  domContentLoadedMs: number;
}

function summarise(samples: LoadMedians[]): LoadMedians {
  const m = (k: keyof LoadMedians) => median(samples.map((s) => s[k]));
  return { rawBytes: m('rawBytes'), gzipBytes: m('gzipBytes'), files: m('files'), domContentLoadedMs: Math.round(m('domContentLoadedMs')) };
}

export interface ColdLoads {
  /** JavaScript received by the time the page's load event fired. */
  atLoad: LoadMedians;
  /** JavaScript received by the end of settle(): everything the page loaded on its own (lazy chunks, workers). */
  settled: LoadMedians;
  /** How many of the runs saw the network go idle within the cap (the others were cut at 3 s). */
  idleRuns: number;
  /** How many of the runs fetched Monaco's TypeScript worker (a page that opened no TS/JS file should not). */
  tsWorkerRuns: number;
}

/** Over `runs` cold loads of `url` (a fresh context each): median JavaScript at 'load' and after settle(), and DOMContentLoaded. */
export async function coldLoads(browser: Browser, baseURL: string, url: string, runs: number, cookies: Cookies = []): Promise<ColdLoads> {
  const atLoad: LoadMedians[] = [];
  const settled: LoadMedians[] = [];
  let idleRuns = 0;
  let tsWorkerRuns = 0;
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const js = countJs(page);
    let loadMark: number | undefined;
    page.once('load', () => (loadMark = js.mark()));
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    loadMark ??= js.mark();
    if (await settle(page)) idleRuns++;
    const domContentLoaded = await domContentLoadedMs(page);
    const [load, all] = [await js.tally(loadMark), await js.tally()];
    if (all.byFile.some((f) => f.path.endsWith('/ts.worker.js'))) tsWorkerRuns++;
    atLoad.push({ rawBytes: load.rawBytes, gzipBytes: load.gzipBytes, files: load.files, domContentLoadedMs: domContentLoaded });
    settled.push({ rawBytes: all.rawBytes, gzipBytes: all.gzipBytes, files: all.files, domContentLoadedMs: domContentLoaded });
    await context.close();
  }
  return { atLoad: summarise(atLoad), settled: summarise(settled), idleRuns, tsWorkerRuns };
}

export const kib = (bytes: number) => Math.round(bytes / 102.4) / 10;
