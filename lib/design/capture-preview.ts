import { requestCapture, type Capture } from '@/lib/design/capture-client';
import type { Viewport } from '@/lib/design/protocol';

// A capture of the preview at an exact viewport, whatever size the preview pane has: the page is
// loaded in a frame of the viewport's size, out of sight, with the preview pane's sandbox flags,
// and asked for a picture through its capture script (capture-client.ts checks origin and source).

const FRAME_SANDBOX = 'allow-scripts allow-same-origin allow-forms';

export async function captureAtViewport(src: string, viewport: Viewport, timeoutMs = 30_000): Promise<Capture> {
  const origin = new URL(src).origin;
  const frame = document.createElement('iframe');
  frame.setAttribute('sandbox', FRAME_SANDBOX);
  frame.setAttribute('aria-hidden', 'true');
  frame.tabIndex = -1;
  // Off-screen but laid out and painted at its full size (display:none or visibility:hidden would skip that).
  frame.style.cssText = `position:fixed;left:-${viewport.width + 100}px;top:0;width:${viewport.width}px;height:${viewport.height}px;border:0;pointer-events:none`;
  const loaded = new Promise<void>((resolve, reject) => {
    frame.addEventListener('load', () => resolve(), { once: true });
    setTimeout(() => reject(new Error('The preview did not load in time for a screenshot.')), timeoutMs);
  });
  frame.src = src;
  document.body.append(frame);
  try {
    await loaded;
    return await requestCapture(frame.contentWindow!, origin, { viewport, timeoutMs });
  } finally {
    frame.remove();
  }
}
