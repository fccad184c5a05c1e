import 'server-only';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_FLAGS } from '@/lib/chromium';
import type { Viewport } from '@/lib/design/protocol';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';

// The host sandbox's capture path: one long-lived headless Chromium on the server (started at the first
// capture, started again if it dies), a fresh context per capture at the viewport's size, which loads a
// preview URL (its entry with a ticket: the proxy and the access policy decide as for any browser),
// waits for load and a quiet network (bounded) and takes a PNG. Every request to any other origin,
// WebSockets included, is refused (page.route), so the browser reaches nothing but the preview.
// The in-page capture (lib/design/capture-client.ts) clones the DOM in JavaScript: ~700 ms of CPU at
// 1280×800; a screenshot here is the browser's own compositor output.

export interface ServerCaptureResult {
  png: Buffer;
  width: number;
  height: number;
  /** Navigation to load, the wait for a quiet network, the screenshot (ms); CPU time with `cpuTime`. */
  timings: { loadMs: number; idleMs: number; screenshotMs: number; cpuMs?: number };
}

export interface ServerCaptureOptions {
  /** CPU time (ms) of the browser's processes, read before the page opens and after the picture (bench:capture). */
  cpuTime?: () => number;
  executablePath?: string;
  /** Pages open at once; more captures wait… */
  maxPages?: number;
  /** …up to this many; past that a capture is refused at once (a page that never settles costs 30 s each). */
  maxWaiting?: number;
  /** Whole capture (navigation included). */
  timeoutMs?: number;
  /** How long to wait for the network to go quiet after load before taking the picture anyway. */
  idleMs?: number;
  /** Host names (e.g. `*.preview.localhost`) the browser resolves to loopback, wherever DNS points them. */
  loopbackHosts?: string;
}

/**
 * Counts the page's requests in flight from before navigation; `quiet` resolves once none has been for
 * `quietMs`, or after `maxMs`. Hand-written: Playwright's 'networkidle' waits a fixed 500 ms of quiet,
 * more than everything else in a capture together (bench:capture).
 */
function trackRequests(page: Page) {
  let inflight = 0;
  let changed: () => void = () => undefined;
  page.on('request', () => {
    inflight++;
    changed();
  });
  const end = () => {
    inflight = Math.max(0, inflight - 1);
    changed();
  };
  page.on('requestfinished', end);
  page.on('requestfailed', end);
  return {
    quiet: (quietMs: number, maxMs: number) =>
      new Promise<void>((resolve) => {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const deadline = setTimeout(done, maxMs);
        function done() {
          clearTimeout(deadline);
          clearTimeout(timer);
          changed = () => undefined;
          resolve();
        }
        changed = () => {
          clearTimeout(timer);
          if (inflight === 0) timer = setTimeout(done, quietMs);
        };
        changed();
      }),
  };
}

/** No request for this long after load: the page is taken as settled. */
const QUIET_MS = 100;

const ARGS = [...CHROMIUM_FLAGS, '--hide-scrollbars', '--force-device-scale-factor=1'];

export class ServerCapture {
  #browser: Promise<Browser> | undefined;
  #active = 0;
  readonly #queue: (() => void)[] = [];
  readonly #options: Required<Omit<ServerCaptureOptions, 'loopbackHosts' | 'cpuTime'>> & Pick<ServerCaptureOptions, 'loopbackHosts' | 'cpuTime'>;
  /** The last 100 URLs refused (tests and logs). */
  readonly blocked: string[] = [];

  constructor(options: ServerCaptureOptions = {}) {
    this.#options = { executablePath: env.CAPTURE_CHROMIUM_PATH, maxPages: 2, maxWaiting: 8, timeoutMs: 30_000, idleMs: 3_000, ...options };
  }

  #refused(url: string): void {
    this.blocked.push(url.slice(0, 500));
    if (this.blocked.length > 100) this.blocked.shift();
  }

  /** The running browser, started if none is (tests end it to see it come back). */
  browser(): Promise<Browser> {
    if (this.#browser) return this.#browser;
    const rules = this.#options.loopbackHosts ? [`--host-resolver-rules=MAP ${this.#options.loopbackHosts} 127.0.0.1`] : [];
    const launched = chromium.launch({ executablePath: this.#options.executablePath, args: [...ARGS, ...rules] });
    this.#browser = launched;
    const forget = () => {
      if (this.#browser === launched) this.#browser = undefined;
    };
    launched.then((b) => b.on('disconnected', forget), forget);
    return launched;
  }

  async #slot(): Promise<() => void> {
    if (this.#active >= this.#options.maxPages && this.#queue.length >= this.#options.maxWaiting) {
      throw new AppError('unavailable:design', 'The server is busy taking other captures. Retry in a moment.');
    }
    if (this.#active >= this.#options.maxPages) await new Promise<void>((resolve) => this.#queue.push(resolve));
    else this.#active++;
    return () => {
      const next = this.#queue.shift();
      if (next) next();
      else this.#active--;
    };
  }

  /** A PNG of `url` at `viewport`; the page may reach `url`'s origin only. */
  async capture(url: string, viewport: Viewport): Promise<ServerCaptureResult> {
    const allowed = new URL(url);
    const release = await this.#slot();
    try {
      const browser = await this.browser();
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1, serviceWorkers: 'block' });
      try {
        await context.route('**/*', (route) => {
          const target = route.request().url();
          if (new URL(target).origin === allowed.origin) return route.continue();
          this.#refused(target);
          return route.abort('blockedbyclient');
        });
        await context.routeWebSocket(/.*/, (ws) => {
          if (new URL(ws.url()).host === allowed.host) return void ws.connectToServer();
          this.#refused(ws.url());
          return ws.close();
        });
        const cpuBefore = this.#options.cpuTime?.();
        const started = performance.now();
        const page = await context.newPage();
        page.setDefaultTimeout(this.#options.timeoutMs);
        const requests = trackRequests(page);
        const response = await page.goto(url, { waitUntil: 'load', timeout: this.#options.timeoutMs });
        if (!response?.ok()) throw new AppError('unavailable:design', `The preview answered ${response?.status() ?? 'nothing'}.`);
        const loaded = performance.now();
        await requests.quiet(QUIET_MS, this.#options.idleMs);
        const idle = performance.now();
        // Chromium's own capture with its fast PNG setting: the same pixels as page.screenshot (checked),
        // larger file, about half the time here (33 vs 76 ms at 1280×800). Fonts first, as page.screenshot does.
        await page.evaluate(() => document.fonts.ready.then(() => undefined));
        const cdp = await context.newCDPSession(page);
        const shot = (await cdp.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: true })) as { data: string };
        const png = Buffer.from(shot.data, 'base64');
        const timings = { loadMs: loaded - started, idleMs: idle - loaded, screenshotMs: performance.now() - idle };
        const cpuMs = cpuBefore === undefined ? undefined : this.#options.cpuTime!() - cpuBefore;
        return { png, width: viewport.width, height: viewport.height, timings: cpuMs === undefined ? timings : { ...timings, cpuMs } };
      } finally {
        await context.close().catch(() => undefined);
      }
    } catch (error) {
      if (error instanceof AppError) throw error;
      throw new AppError('unavailable:design', `The preview could not be captured: ${error instanceof Error ? error.message.split('\n')[0] : 'unknown error'}`);
    } finally {
      release();
    }
  }

  async close(): Promise<void> {
    const browser = this.#browser;
    this.#browser = undefined;
    await (await browser?.catch(() => undefined))?.close();
  }
}

let shared: ServerCapture | undefined;

/** The server's one capturing browser (started at its first capture). */
export function serverCapture(): ServerCapture {
  // Chromium resolves *.localhost to loopback by itself (either family, as the IDE may listen on ::1).
  const local = env.PREVIEW_DOMAIN === 'localhost' || env.PREVIEW_DOMAIN.endsWith('.localhost');
  shared ??= new ServerCapture(local ? {} : { loopbackHosts: `*.${env.PREVIEW_DOMAIN}` });
  return shared;
}

/** On shutdown. */
export async function closeServerCapture(): Promise<void> {
  await shared?.close();
  shared = undefined;
}
