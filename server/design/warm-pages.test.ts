import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { env } from '@/lib/env';
import { decodePng } from '@/server/design/image';
import { ServerCapture } from '@/server/design/server-capture';

// The server capture's warm pages (server/design/warm-pages.ts) in the real headless Chromium, against
// two loopback origins of one HTTP server (localhost:P and 127.0.0.1:P): reused for the same user and
// origin only, never shared while in use, bounded, closed when idle and on shutdown, and left on
// about:blank between captures.

const missing = fs.existsSync(env.CAPTURE_CHROMIUM_PATH) ? '' : `no ${env.CAPTURE_CHROMIUM_PATH}`;
if (missing) console.warn(`warm page tests skipped: ${missing}`);

const VIEWPORT = { width: 200, height: 150 };
const page = (script: string) => `<!doctype html><body style="margin:0"><script>${script}</script></body>`;
const PAGES: Record<string, string> = {
  // Blue on a context's first visit, red once its storage remembers an earlier one.
  '/count': page(`const n = Number(localStorage.n ?? 0) + 1; localStorage.n = n; document.body.style.background = n > 1 ? 'rgb(200, 0, 0)' : 'rgb(0, 0, 200)';`),
  '/hang': page(`fetch('/never');`),
  '/blue': page(`document.body.style.background = 'rgb(0, 0, 200)';`),
  // Green only after a request that answers late, so two captures overlap.
  '/slow-green': page(`fetch('/slow').then(() => { document.body.style.background = 'rgb(0, 160, 0)'; });`),
};

let server: http.Server;
let hits: string[] = [];
let a = '';
let b = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(`${req.headers.host}${req.url}`);
    if (req.url === '/slow') return void setTimeout(() => res.writeHead(200).end('ok'), 300);
    if (req.url === '/never') return; // never answered
    const html = PAGES[req.url ?? ''] ?? (req.url?.startsWith('/reach?') ? page(`fetch(${JSON.stringify(decodeURIComponent(req.url.slice(7)))}).catch(() => {});`) : undefined);
    if (html === undefined) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' }).end(html);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  a = `http://localhost:${port}`;
  b = `http://127.0.0.1:${port}`;
});
afterAll(() => server?.close());

async function centre(png: Buffer): Promise<number[]> {
  const image = await decodePng(png);
  const at = (Math.floor(image.height / 2) * image.width + Math.floor(image.width / 2)) * 4;
  return [...image.data.subarray(at, at + 3)];
}

describe.skipIf(!!missing)('warm capture pages', () => {
  it("reuses a user's page for that user's next capture, and never runs another user's capture in it", async () => {
    const capturer = new ServerCapture();
    try {
      const first = await capturer.capture(`${a}/count`, VIEWPORT, 'alice');
      expect(await centre(first.png)).toEqual([0, 0, 200]);
      const again = await capturer.capture(`${a}/count`, VIEWPORT, 'alice');
      expect(again.timings.warm).toBe(true);
      expect(await centre(again.png), "alice's second capture sees her own storage").toEqual([200, 0, 0]);
      const other = await capturer.capture(`${a}/count`, VIEWPORT, 'bob');
      expect(other.timings.warm).toBe(false);
      expect(await centre(other.png), "bob's capture sees nothing of alice's").toEqual([0, 0, 200]);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it("gives one user's capture of another origin its own page, whose requests reach that origin only", async () => {
    const capturer = new ServerCapture();
    try {
      await capturer.capture(`${a}/blue`, VIEWPORT, 'alice');
      hits = [];
      const other = await capturer.capture(`${b}/reach?${encodeURIComponent(`${a}/from-b`)}`, VIEWPORT, 'alice');
      expect(other.timings.warm).toBe(false);
      expect(hits.filter((h) => h.includes('/from-b')), 'requests from the page on B that reached A').toEqual([]);
      expect(capturer.blocked).toContain(`${a}/from-b`);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it('never shares a page between two captures at once: each gets its own picture', async () => {
    const capturer = new ServerCapture();
    try {
      await capturer.capture(`${a}/blue`, VIEWPORT, 'alice');
      const [green, blue] = await Promise.all([
        capturer.capture(`${a}/slow-green`, VIEWPORT, 'alice'),
        capturer.capture(`${a}/blue`, VIEWPORT, 'alice'),
      ]);
      expect(await centre(green.png)).toEqual([0, 160, 0]);
      expect(await centre(blue.png)).toEqual([0, 0, 200]);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it("a request the page before left hanging does not hold up the next capture in the same page", async () => {
    const capturer = new ServerCapture({ settleMs: 2_000 });
    try {
      expect((await capturer.capture(`${a}/hang`, VIEWPORT, 'alice')).timings.settleMs).toBeGreaterThanOrEqual(2_000);
      const next = await capturer.capture(`${a}/blue`, VIEWPORT, 'alice');
      expect(next.timings.warm).toBe(true);
      expect(next.timings.settleMs).toBeLessThan(1_500);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it('keeps at most maxWarm pages: a new user evicts the least recently used', async () => {
    const capturer = new ServerCapture({ maxWarm: 1 });
    try {
      await capturer.capture(`${a}/blue`, VIEWPORT, 'alice');
      await capturer.capture(`${a}/blue`, VIEWPORT, 'bob');
      expect(capturer.warmPages).toBe(1);
      const browser = await capturer.browser();
      await expect.poll(() => browser.contexts().length, { timeout: 5_000 }).toBe(1);
      expect((await capturer.capture(`${a}/blue`, VIEWPORT, 'alice')).timings.warm).toBe(false);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it('leaves a kept page on about:blank, closes it once idle, and closes every page on shutdown', async () => {
    const capturer = new ServerCapture({ warmIdleMs: 300 });
    try {
      await capturer.capture(`${a}/blue`, VIEWPORT, 'alice');
      const browser = await capturer.browser();
      expect(browser.contexts().flatMap((c) => c.pages().map((p) => p.url()))).toEqual(['about:blank']);
      await expect.poll(() => browser.contexts().length, { timeout: 5_000 }).toBe(0);
      expect(capturer.warmPages).toBe(0);
      await capturer.capture(`${a}/blue`, VIEWPORT, 'bob');
      expect(capturer.warmPages).toBe(1);
      await capturer.close();
      expect(capturer.warmPages).toBe(0);
      expect(browser.isConnected()).toBe(false);
    } finally {
      await capturer.close();
    }
  }, 60_000);
});
