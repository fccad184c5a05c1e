// npm run bench:load — first-load JavaScript of / and /p/[id] (raw and gzip) and time to
// DOMContentLoaded, median of 5 cold loads (fresh browser context each) in headless Chromium; and for
// /p/[id], the JavaScript loaded until Monaco accepts a keystroke (a file opened from the tree, a
// character typed and seen on screen) and the time from navigation to that moment.
import { median, runBench, type Row } from './harness';
import type { Browser, BrowserContext } from 'playwright-core';
import { countJs, domContentLoadedMs, launchChromium } from './lib/browser';
import { startIde } from './lib/server';

const RUNS = 5;

await runBench('load', async () => {
  const ide = await startIde(3150);
  const browser = await launchChromium();
  try {
    const setup = await browser.newContext({ baseURL: ide.baseUrl });
    const created = await setup.request.post('/api/trpc/project.create', { data: { json: { template: 'vite-react-ts' } } });
    const projectId = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
    const cookies = await setup.cookies();
    await setup.close();

    const rows: Row[] = [];
    for (const [name, url] of [['/', '/'], ['/p/[id]', `/p/${projectId}`]] as const) {
      const samples: { raw: number; gzip: number; files: number; dcl: number }[] = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext({ baseURL: ide.baseUrl });
        await context.addCookies(cookies);
        const page = await context.newPage();
        const js = countJs(page);
        await page.goto(url, { waitUntil: 'load' });
        const tally = await js.tally();
        samples.push({ raw: tally.rawBytes, gzip: tally.gzipBytes, files: tally.files, dcl: await domContentLoadedMs(page) });
        await context.close();
      }
      rows.push({
        page: name,
        jsFiles: median(samples.map((s) => s.files)),
        jsRawKiB: Math.round(median(samples.map((s) => s.raw)) / 102.4) / 10,
        jsGzipKiB: Math.round(median(samples.map((s) => s.gzip)) / 102.4) / 10,
        domContentLoadedMs: Math.round(median(samples.map((s) => s.dcl))),
      });
      if (name === '/p/[id]') rows.push(await editorReady(browser, ide.baseUrl, cookies, url));
    }
    return { inputs: { runs: RUNS, template: 'vite-react-ts' }, rows };
  } finally {
    await browser.close();
    await ide.stop();
  }
});

type Cookies = Parameters<BrowserContext['addCookies']>[0];

/** Loads the project page cold, opens a file, types one character and waits until Monaco shows it. */
async function editorReady(browser: Browser, baseURL: string, cookies: Cookies, url: string): Promise<Row> {
  const samples: { raw: number; gzip: number; files: number; ms: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext({ baseURL });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const js = countJs(page);
    await page.goto(url, { waitUntil: 'commit' });
    await page.locator('[data-testid="file-tree-item"][data-path="index.html"]').click({ timeout: 60_000 });
    const lines = page.locator('[data-testid="code-editor"][data-path="index.html"] .view-lines');
    await lines.click({ timeout: 60_000 });
    await page.keyboard.press('ControlOrMeta+Home');
    await page.keyboard.type('Q');
    await page.waitForFunction(() => document.querySelector('[data-testid="code-editor"] .view-line')?.textContent?.startsWith('Q'), null, { timeout: 30_000 });
    const ms = await page.evaluate(() => performance.now());
    const tally = await js.tally();
    samples.push({ raw: tally.rawBytes, gzip: tally.gzipBytes, files: tally.files, ms });
    await context.close();
  }
  return {
    page: '/p/[id] until a keystroke is accepted',
    jsFiles: median(samples.map((s) => s.files)),
    jsRawKiB: Math.round(median(samples.map((s) => s.raw)) / 102.4) / 10,
    jsGzipKiB: Math.round(median(samples.map((s) => s.gzip)) / 102.4) / 10,
    keystrokeAcceptedMs: Math.round(median(samples.map((s) => s.ms))),
  };
}
