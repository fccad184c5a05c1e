import type { ReadableAtom } from 'nanostores';

// The design loop captures the preview after each agent turn; the first turn usually ends while the
// template still installs, before any dev server shows. So a round waits for one.

/** How long a round waits for the dev server to show in the preview. */
export const PREVIEW_WAIT_MS = 180_000;

/** Resolves once `port` (the preview's shown dev server) is set; rejects after `timeoutMs`. */
export function previewShown(port: ReadableAtom<number | null>, timeoutMs = PREVIEW_WAIT_MS): Promise<void> {
  if (port.get() !== null) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error('no dev server showed in the preview in time; start it and send a message to try again.'));
    }, timeoutMs);
    const off = port.listen((value) => {
      if (value === null) return;
      clearTimeout(timer);
      off();
      resolve();
    });
  });
}
