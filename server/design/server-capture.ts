import 'server-only';
import { chromium, type Browser } from 'playwright-core';
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
}

export interface ServerCaptureOptions {
  executablePath?: string;
  /** Pages open at once; more captures wait. */
  maxPages?: number;
  /** Whole capture (navigation included). */
  timeoutMs?: number;
  /** How long to wait for the network to go quiet after load before taking the picture anyway. */
  idleMs?: number;
  /** Host names (e.g. `*.preview.localhost`) the browser resolves to loopback, wherever DNS points them. */
  loopbackHosts?: string;
}

const ARGS = [...CHROMIUM_FLAGS, '--hide-scrollbars', '--force-device-scale-factor=1'];

export class ServerCapture {
  #browser: Promise<Browser> | undefined;
  #active = 0;
  readonly #queue: (() => void)[] = [];
  readonly #options: Required<Omit<ServerCaptureOptions, 'loopbackHosts'>> & { loopbackHosts?: string };
  /** URLs refused since start (tests and logs). */
  readonly blocked: string[] = [];

  constructor(options: ServerCaptureOptions = {}) {
    this.#options = { executablePath: env.CAPTURE_CHROMIUM_PATH, maxPages: 2, timeoutMs: 30_000, idleMs: 3_000, ...options };
  }

  #launch(): Promise<Browser> {
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
      const browser = await this.#launch();
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1, serviceWorkers: 'block' });
      try {
        await context.route('**/*', (route) => {
          const target = route.request().url();
          if (new URL(target).origin === allowed.origin) return route.continue();
          this.blocked.push(target);
          return route.abort('blockedbyclient');
        });
        await context.routeWebSocket(/.*/, (ws) => {
          if (new URL(ws.url()).host === allowed.host) return void ws.connectToServer();
          this.blocked.push(ws.url());
          return ws.close();
        });
        const page = await context.newPage();
        page.setDefaultTimeout(this.#options.timeoutMs);
        const response = await page.goto(url, { waitUntil: 'load', timeout: this.#options.timeoutMs });
        if (!response?.ok()) throw new AppError('unavailable:design', `The preview answered ${response?.status() ?? 'nothing'}.`);
        await page.waitForLoadState('networkidle', { timeout: this.#options.idleMs }).catch(() => undefined);
        const png = await page.screenshot({ type: 'png', timeout: this.#options.timeoutMs });
        return { png, width: viewport.width, height: viewport.height };
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
  shared ??= new ServerCapture({ loopbackHosts: `*.${env.PREVIEW_DOMAIN}` });
  return shared;
}

/** On shutdown. */
export async function closeServerCapture(): Promise<void> {
  await shared?.close();
  shared = undefined;
}
