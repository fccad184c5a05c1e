import { gzipSync } from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';

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

/** Counts the JavaScript a page downloads from now until `tally()` is called. */
export function countJs(page: Page): { tally: () => Promise<JsTally> } {
  const bodies: Promise<Buffer | null>[] = [];
  page.on('response', (res) => {
    if (res.request().resourceType() === 'script') bodies.push(res.body().catch(() => null));
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
