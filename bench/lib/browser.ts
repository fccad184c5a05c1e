import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { median } from '../harness';

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args });
}

export interface JsTally {
  rawBytes: number;
  gzipBytes: number;
  files: number;
}

/**
 * Counts the JavaScript a page downloads from now until `tally()` is called: every response that is a
 * script or is served as JavaScript (so module preloads and worker scripts count too); blob: and data:
 * URLs are not downloads and are left out.
 */
export function countJs(page: Page): { tally: () => Promise<JsTally> } {
  const bodies: Promise<Buffer | null>[] = [];
  page.on('response', (res) => {
    if (/^(blob|data):/.test(res.url())) return;
    const isJs = res.request().resourceType() === 'script' || /javascript/i.test(res.headers()['content-type'] ?? '');
    if (isJs) bodies.push(res.body().catch(() => null));
  });
  return {
    tally: async () => {
      const all = (await Promise.all(bodies)).filter((b): b is Buffer => b !== null);
      return {
        files: all.length,
        rawBytes: all.reduce((n, b) => n + b.length, 0),
        gzipBytes: all.reduce((n, b) => n + gzipSync(b).length, 0),
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

/** After 'load', waits for the network to go quiet (500 ms without requests), at most 3 s. */
export async function settle(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => {});
}

export type Cookies = Parameters<BrowserContext['addCookies']>[0];

export interface LoadMedians {
  rawBytes: number;
  gzipBytes: number;
  files: number;
  domContentLoadedMs: number;
}

/** Median over `runs` cold loads of `url` (a fresh context each): JavaScript until 'load' plus settle(), and DOMContentLoaded. */
export async function coldLoads(browser: Browser, baseURL: string, url: string, runs: number, cookies: Cookies = []): Promise<LoadMedians> {
  const samples: LoadMedians[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const js = countJs(page);
    await page.goto(url, { waitUntil: 'load', timeout: 60_000 });
    await settle(page);
    const tally = await js.tally();
    samples.push({ ...tally, domContentLoadedMs: await domContentLoadedMs(page) });
    await context.close();
  }
  return {
    rawBytes: median(samples.map((s) => s.rawBytes)),
    gzipBytes: median(samples.map((s) => s.gzipBytes)),
    files: median(samples.map((s) => s.files)),
    domContentLoadedMs: Math.round(median(samples.map((s) => s.domContentLoadedMs))),
  };
}

export const kib = (bytes: number) => Math.round(bytes / 102.4) / 10;
