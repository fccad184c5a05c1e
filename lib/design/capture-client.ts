import { CAPTURE_SOURCE, captureReplySchema, type Viewport } from '@/lib/design/protocol';

// The IDE's side of a preview capture: asks the preview frame's capture script (capture-script.ts)
// for a screenshot and waits for the answer. The request is posted to the preview's origin only,
// and only a valid reply from that frame's window and origin, naming this request, is taken.

export interface Capture {
  /** data:image/png;base64,… */
  png: string;
  width: number;
  height: number;
}

export class CaptureError extends Error {
  override name = 'CaptureError';
}

let seq = 0;

export function requestCapture(
  frame: Window,
  previewOrigin: string,
  options: { viewport?: Viewport; timeoutMs?: number } = {},
): Promise<Capture> {
  const id = `capture-${Date.now().toString(36)}-${++seq}`;
  return new Promise<Capture>((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new CaptureError('The preview did not answer the capture request. Is the page loaded?'));
    }, options.timeoutMs ?? 15_000);
    function onMessage(event: MessageEvent) {
      if (event.source !== frame || event.origin !== previewOrigin) return;
      const data = event.data as { source?: unknown; type?: unknown; id?: unknown } | null;
      if (data?.source !== CAPTURE_SOURCE || data.type !== 'capture-result' || data.id !== id) return;
      finish();
      const reply = captureReplySchema.safeParse(data);
      if (!reply.success) reject(new CaptureError('The preview sent a malformed capture.'));
      else if (!reply.data.ok) reject(new CaptureError(reply.data.error));
      else resolve({ png: reply.data.png, width: reply.data.width, height: reply.data.height });
    }
    window.addEventListener('message', onMessage);
    frame.postMessage({ source: CAPTURE_SOURCE, type: 'capture', id, ...(options.viewport ? { viewport: options.viewport } : {}) }, previewOrigin);
  });
}
