import { requestAct, requestCapture, type Capture } from '@/lib/design/capture-client';
import type { ActStep, Viewport } from '@/lib/design/protocol';

// The preview at an exact viewport, whatever size the preview pane has, for screenshot_preview and
// preview_act: the page is loaded fresh in a frame of the viewport's size with the preview pane's
// sandbox flags, invisible and under everything, and asked through its capture script
// (capture-client.ts checks origin and source). Inside the window rather than off-screen: Chromium
// throttles the rendering of cross-origin frames it thinks are out of view.

const FRAME_SANDBOX = 'allow-scripts allow-same-origin allow-forms';

async function inFrame<T>(src: string, viewport: Viewport, timeoutMs: number, run: (frame: Window, origin: string) => Promise<T>): Promise<T> {
  const origin = new URL(src).origin;
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', FRAME_SANDBOX);
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  frame.style.cssText = `position:fixed;left:0;top:0;width:${viewport.width}px;height:${viewport.height}px;border:0;opacity:0;pointer-events:none;z-index:-1`;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const loaded = new Promise<void>((resolve, reject) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    timer = setTimeout(() => reject(new Error('The preview did not load in time.')), timeoutMs);
  });
  frame.src = src;
  document.body.append(frame);
  try {
    await loaded;
    return await run(frame.contentWindow!, origin);
  } finally {
    clearTimeout(timer);
    frame.remove();
  }
}

export function captureAtViewport(src: string, viewport: Viewport, timeoutMs = 30_000): Promise<Capture> {
  return inFrame(src, viewport, timeoutMs, (frame, origin) => requestCapture(frame, origin, { viewport, timeoutMs }));
}

export function actAtViewport(src: string, viewport: Viewport, steps: ActStep[], timeoutMs = 60_000) {
  return inFrame(src, viewport, timeoutMs, (frame, origin) => requestAct(frame, origin, steps, timeoutMs));
}
