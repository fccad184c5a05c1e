import 'server-only';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import type { Capture, requestCapture } from '@/lib/design/capture-client';
import type { Viewport } from '@/lib/design/protocol';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '@/lib/chromium';
import { bundleForBrowser, captureScriptFor } from '@/server/design/capture-bundle';
import { CAPTURE_PATH, injectBridge } from '@/server/sandbox-host/preview-proxy';
import { PREVIEW_BRIDGE_SCRIPT } from '@/lib/stores/preview';

// Renders HTML in headless Chromium and captures it the way the IDE captures a live preview: the page
// is served on a preview origin with the scripts the preview proxy injects, framed at the viewport's
// size by a page on another origin (standing in for the IDE), which asks the capture script for a
// picture through lib/design/capture-client.ts. Used by the fidelity CLI, its tests and bench:capture.

export { CHROMIUM_PATH };
/** The flags the design fixtures were rendered with (../shared/designs/README.md). */
export const CHROMIUM_ARGS = [...CHROMIUM_FLAGS, '--hide-scrollbars', '--force-device-scale-factor=1'];

const MAX_HTML = 8 * 1024 * 1024;

export interface Capturer {
  /** The capture as PNG bytes, how long the request took in the browser, and the CPU time it cost (with `cpuTime`). */
  capture(html: string, viewport: Viewport): Promise<{ png: Buffer; ms: number; cpuMs?: number }>;
  close(): Promise<void>;
}

export async function openCapturer(options: { executablePath?: string; cpuTime?: () => number } = {}): Promise<Capturer> {
  const pages = new Map<string, string>();
  let nextPage = 0;
  const server = http.createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // Two origins on one loopback server: the browser tells them apart by host name.
  const ideOrigin = `http://127.0.0.1:${port}`;
  const previewOrigin = `http://localhost:${port}`;
  const [captureScript, clientScript] = await Promise.all([
    captureScriptFor(ideOrigin),
    bundleForBrowser('lib/design/capture-client.ts', '__ideCaptureClient'),
  ]);

  async function serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const send = (type: string, body: string, status = 200) =>
      res.writeHead(status, { 'content-type': `${type}; charset=utf-8`, 'cache-control': 'no-store' }).end(body);
    const host = req.headers.host;
    if (host === `127.0.0.1:${port}` && req.url === '/') {
      return send('text/html', `<!doctype html><html><head><style>html,body{margin:0;overflow:hidden}</style><script>${clientScript}</script></head><body></body></html>`);
    }
    if (host !== `localhost:${port}`) return send('text/plain', 'not found', 404);
    if (req.url === '/__ide/bridge.js') return send('text/javascript', PREVIEW_BRIDGE_SCRIPT);
    if (req.url === CAPTURE_PATH) return send('text/javascript', captureScript);
    const html = pages.get(req.url ?? '');
    if (html === undefined) return send('text/plain', 'not found', 404);
    return send('text/html', injectBridge(html, { capture: true }));
  }

  let browser: Browser;
  try {
    browser = await chromium.launch({ executablePath: options.executablePath ?? CHROMIUM_PATH, args: CHROMIUM_ARGS });
  } catch (error) {
    server.close();
    throw error;
  }

  return {
    async capture(html, viewport) {
      if (Buffer.byteLength(html) > MAX_HTML) throw new Error(`HTML larger than ${MAX_HTML} bytes`);
      const path = `/page/${++nextPage}`;
      pages.set(path, html);
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
      try {
        const page = await context.newPage();
        await page.goto(`${ideOrigin}/`);
        await page.evaluate(
          async ({ src, viewport }) => {
            const frame = document.createElement('iframe');
            frame.id = 'preview';
            frame.style.cssText = `border:0;display:block;width:${viewport.width}px;height:${viewport.height}px`;
            const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, { once: true }));
            frame.src = src;
            document.body.append(frame);
            await loaded;
          },
          { src: `${previewOrigin}${path}`, viewport },
        );
        const cpuBefore = options.cpuTime?.();
        const result = await page.evaluate(
          async ({ previewOrigin, viewport }) => {
            const frame = document.getElementById('preview') as HTMLIFrameElement;
            const client = (window as unknown as { __ideCaptureClient: { requestCapture: typeof requestCapture } }).__ideCaptureClient;
            const started = performance.now();
            const capture: Capture = await client.requestCapture(frame.contentWindow!, previewOrigin, { viewport, timeoutMs: 60_000 });
            return { png: capture.png, ms: performance.now() - started };
          },
          { previewOrigin, viewport },
        );
        const cpuMs = cpuBefore === undefined ? undefined : options.cpuTime!() - cpuBefore;
        return { png: Buffer.from(result.png.slice(result.png.indexOf(',') + 1), 'base64'), ms: result.ms, ...(cpuMs === undefined ? {} : { cpuMs }) };
      } finally {
        pages.delete(path);
        await context.close();
      }
    },
    async close() {
      await browser.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
