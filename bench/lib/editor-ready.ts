// The IDE's project page until its editor accepts a keystroke: the JavaScript downloaded until then and the time.
import type { Browser } from 'playwright-core';
import { median } from '../harness';
import { countJs, type Cookies, type JsFile } from './browser';

export interface EditorReady {
  rawBytes: number;
  gzipBytes: number;
  files: number;
  ms: number;
  /** The JavaScript files of the run with the median raw size, largest first. */
  byFile: JsFile[];
}

/**
 * Loads the project page cold, opens `file` from the tree (null: the file the page opens by default), types one
 * character and waits until Monaco shows it; medians over `runs`.
 */
export async function editorReady(browser: Browser, baseURL: string, cookies: Cookies, url: string, runs: number, file: string | null = 'index.html'): Promise<EditorReady> {
  const samples: EditorReady[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL });
    await context.addCookies(cookies);
    const page = await context.newPage();
    const js = countJs(page);
    await page.goto(url, { waitUntil: 'commit' });
    if (file) await page.locator(`[data-testid="file-tree-item"][data-path="${file}"]`).click({ timeout: 60_000 });
    const lines = page.locator(`[data-testid="code-editor"]${file ? `[data-path="${file}"]` : '[data-path]'} .view-lines`);
    await lines.click({ timeout: 60_000 });
    await page.keyboard.press('ControlOrMeta+Home');
    // The page was ready for the key when it was sent: what it requests from here on (the language worker the
    // edit starts, at a moment that races the frame showing the key) is not on the key's path.
    const typedAt = Date.now();
    await page.keyboard.type('Q');
    // Checked every frame; the first frame that shows the key is its moment.
    const shown = await page.waitForFunction(
      () => (document.querySelector('[data-testid="code-editor"] .view-line')?.textContent?.startsWith('Q') ? { ms: performance.now() } : null),
      null,
      { timeout: 30_000, polling: 'raf' },
    );
    const { ms } = (await shown.jsonValue())!;
    samples.push({ ...(await js.tally(js.mark(), typedAt)), ms });
    await context.close();
  }
  const typical = [...samples].sort((a, b) => a.rawBytes - b.rawBytes)[Math.floor(samples.length / 2)]!;
  return {
    rawBytes: median(samples.map((s) => s.rawBytes)),
    gzipBytes: median(samples.map((s) => s.gzipBytes)),
    files: median(samples.map((s) => s.files)),
    ms: Math.round(median(samples.map((s) => s.ms))),
    byFile: typical.byFile,
  };
}

/**
 * bolt.diy's counterpart: its landing page loaded cold until its chat box takes a typed character (its
 * first usable input); the median time from navigation over `runs`. A character typed before the page
 * hydrated can be dropped by React, so the box is typed into again until one shows.
 */
export async function chatBoxReady(browser: Browser, baseURL: string, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const context = await browser.newContext({ baseURL });
    const page = await context.newPage();
    await page.goto('/', { waitUntil: 'commit' });
    const box = page.locator('textarea').first();
    const typed = () => page.waitForFunction(() => (document.querySelector('textarea')?.value.includes('Q') ? performance.now() : null), null, { timeout: 500, polling: 'raf' });
    const deadline = Date.now() + 60_000;
    for (;;) {
      await box.click({ timeout: 60_000 });
      await page.keyboard.type('Q');
      const shown = await typed().catch((error: unknown) => (Date.now() < deadline ? null : Promise.reject(error)));
      if (shown) {
        times.push((await shown.jsonValue())!);
        break;
      }
    }
    await context.close();
  }
  return Math.round(median(times));
}
