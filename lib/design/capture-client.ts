import { actReplySchema, CAPTURE_SOURCE, captureReplySchema, type ActReply, type ActStep, type Viewport } from '@/lib/design/protocol';

// The IDE's side of the preview's capture script (capture-script.ts): asks for a screenshot or for
// steps to be acted out, and waits for the answer. The request is posted to the preview's origin
// only, and only a valid reply from that frame's window and origin, naming this request, is taken.

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

/** Posts `message` (with a fresh id) to the frame and resolves with the first reply of `type` for it. */
function ask(frame: Window, previewOrigin: string, message: Record<string, unknown>, type: string, timeoutMs: number): Promise<unknown> {
  const id = `capture-${Date.now().toString(36)}-${++seq}`;
  return new Promise((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
    };
    const timer = setTimeout(() => {
      finish();
      reject(new CaptureError('The preview did not answer. Is the page loaded?'));
    }, timeoutMs);
    function onMessage(event: MessageEvent) {
      if (event.source !== frame || event.origin !== previewOrigin) return;
      const data = event.data as { source?: unknown; type?: unknown; id?: unknown } | null;
      if (data?.source !== CAPTURE_SOURCE || data.type !== type || data.id !== id) return;
      finish();
      resolve(data);
    }
    window.addEventListener('message', onMessage);
    frame.postMessage({ source: CAPTURE_SOURCE, id, ...message }, previewOrigin);
  });
}

export async function requestCapture(
  frame: Window,
  previewOrigin: string,
  options: { viewport?: Viewport; timeoutMs?: number } = {},
): Promise<Capture> {
  const message = { type: 'capture', ...(options.viewport ? { viewport: options.viewport } : {}) };
  const reply = captureReplySchema.safeParse(await ask(frame, previewOrigin, message, 'capture-result', options.timeoutMs ?? 15_000));
  if (!reply.success) throw new CaptureError('The preview sent a malformed capture.');
  if (!reply.data.ok) throw new CaptureError(reply.data.error);
  return { png: reply.data.png, width: reply.data.width, height: reply.data.height };
}

/** Has the preview's script act out the steps; each step's result, and the page's errors and failed requests. */
export async function requestAct(frame: Window, previewOrigin: string, steps: ActStep[], timeoutMs = 60_000): Promise<Omit<ActReply, 'source' | 'type' | 'id'>> {
  const reply = actReplySchema.safeParse(await ask(frame, previewOrigin, { type: 'act', steps }, 'act-result', timeoutMs));
  if (!reply.success) throw new CaptureError('The preview sent a malformed answer.');
  const { results, consoleErrors, failedRequests } = reply.data;
  return { results, consoleErrors, failedRequests };
}
