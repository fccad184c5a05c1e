import 'server-only';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_FLAGS } from '@/lib/chromium';
import type { Viewport } from '@/lib/design/protocol';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { settle, trackRequests } from '@/server/design/settle';
import { WarmPages, type CapturePage } from '@/server/design/warm-pages';

// The host sandbox's capture path: one long-lived headless Chromium on the server (started at the first
// capture, started again if it dies), a context per user and preview origin at the viewport's size, kept
// warm for a minute between captures (server/design/warm-pages.ts), which loads a preview URL (its entry
// with a ticket: the proxy and the access policy decide as for any browser), waits until the page has
// settled (server/design/settle.ts, bounded) and takes a PNG. Every request to any other origin,
// WebSockets included, is refused (context.route), so the browser reaches nothing but the preview.
// The in-page capture (lib/design/capture-client.ts) clones the DOM in JavaScript: ~500 ms of CPU at
// 1280×800; a screenshot here is the browser's own compositor output.

export interface ServerCaptureResult {
  png: Buffer;
  width: number;
  height: number;
  /** Navigation to load, the wait until the page settled, the screenshot (ms); CPU time with `cpuTime`; whether the page was warm. */
  timings: { loadMs: number; settleMs: number; screenshotMs: number; cpuMs?: number; warm: boolean };
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
  /** How long to wait after load for the page to settle before taking the picture anyway. */
  settleMs?: number;
  /** Warm pages kept (one per user and preview origin)… */
  maxWarm?: number;
  /** …each closed after this long unused. */
  warmIdleMs?: number;
  /** Host names (e.g. `*.preview.localhost`) the browser resolves to loopback, wherever DNS points them. */
  loopbackHosts?: string;
}

const ARGS = [...CHROMIUM_FLAGS, '--hide-scrollbars', '--force-device-scale-factor=1'];

export class ServerCapture {
  #browser: Promise<Browser> | undefined;
  readonly #warm: WarmPages;
  #active = 0;
  readonly #queue: (() => void)[] = [];
  readonly #options: Required<Omit<ServerCaptureOptions, 'loopbackHosts' | 'cpuTime'>> & Pick<ServerCaptureOptions, 'loopbackHosts' | 'cpuTime'>;
  /** The last 100 URLs refused (tests and logs). */
  readonly blocked: string[] = [];

  constructor(options: ServerCaptureOptions = {}) {
    this.#options = { executablePath: env.CAPTURE_CHROMIUM_PATH, maxPages: 2, maxWaiting: 8, timeoutMs: 30_000, settleMs: 3_000, maxWarm: 4, warmIdleMs: 60_000, ...options };
    this.#warm = new WarmPages({ max: this.#options.maxWarm, idleMs: this.#options.warmIdleMs });
  }

  /** Warm pages kept (tests). */
  get warmPages(): number {
    return this.#warm.size;
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
      if (this.#browser !== launched) return;
      this.#browser = undefined;
      this.#warm.clear();
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

  /** A context at `viewport` whose requests may reach `allowed` only, with its page. */
  async #open(allowed: URL, viewport: Viewport): Promise<CapturePage> {
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
      const page = await context.newPage();
      page.setDefaultTimeout(this.#options.timeoutMs);
      return { context, page, requests: trackRequests(page), cdp: await context.newCDPSession(page) };
    } catch (error) {
      await context.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A PNG of `url` at `viewport`; the page may reach `url`'s origin only. With `owner` (the user it is
   * taken for), the page is kept warm for that user's next capture of the same origin.
   */
  async capture(url: string, viewport: Viewport, owner?: string): Promise<ServerCaptureResult> {
    const allowed = new URL(url);
    const release = await this.#slot();
    try {
      const cpuBefore = this.#options.cpuTime?.();
      const started = performance.now();
      const key = owner === undefined ? undefined : JSON.stringify([owner, allowed.origin]);
      const lease = await this.#warm.take(key, () => this.#open(allowed, viewport));
      let ok = false;
      try {
        const { page, cdp, requests } = lease.capture;
        const size = page.viewportSize();
        if (size?.width !== viewport.width || size.height !== viewport.height) await page.setViewportSize(viewport);
        const response = await page.goto(url, { waitUntil: 'load', timeout: this.#options.timeoutMs });
        if (!response?.ok()) throw new AppError('unavailable:design', `The preview answered ${response?.status() ?? 'nothing'}.`);
        const loaded = performance.now();
        await settle(page, requests, this.#options.settleMs);
        const settled = performance.now();
        // Chromium's own capture with its fast PNG setting: the same pixels as page.screenshot (checked),
        // larger file, about half the time here (33 vs 76 ms at 1280×800).
        const shot = (await cdp.send('Page.captureScreenshot', { format: 'png', optimizeForSpeed: true })) as { data: string };
        const png = Buffer.from(shot.data, 'base64');
        const timings = { loadMs: loaded - started, settleMs: settled - loaded, screenshotMs: performance.now() - settled, warm: lease.warm };
        const cpuMs = cpuBefore === undefined ? undefined : this.#options.cpuTime!() - cpuBefore;
        ok = true;
        return { png, width: viewport.width, height: viewport.height, timings: cpuMs === undefined ? timings : { ...timings, cpuMs } };
      } finally {
        await lease.release(ok);
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
    this.#warm.clear();
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
