import { describe, inject, it } from 'vitest';
import { runConformance } from '@/lib/sandbox/conformance/suite';
import { createWebContainerSandbox, bootWebContainer } from '@/lib/sandbox/webcontainer';
import { nodeVitestTemplate } from '@/server/templates/node-vitest';

// The WebContainer runner: the same suite as the host runner, in this real Chromium page (served
// cross-origin isolated by the vitest config). Offline it is skipped with the probe's reason.

const skipReason = inject('webcontainerSkipReason');

if (skipReason) {
  describe('sandbox conformance: webcontainer', () => {
    it.skip(skipReason, () => undefined);
  });
} else {
  runConformance(
    'webcontainer',
    async () => {
      const sandbox = await createWebContainerSandbox(await bootWebContainer());
      return {
        sandbox,
        async fetchPreview(url) {
          const res = await fetch(url);
          return { status: res.status, body: await res.text() };
        },
        echoPreviewSocket(url, message) {
          return new Promise<string>((resolve, reject) => {
            const ws = new WebSocket(url.replace(/^http/, 'ws'));
            ws.onopen = () => ws.send(message);
            ws.onmessage = (e) => {
              resolve(String(e.data));
              ws.close();
            };
            ws.onerror = () => reject(new Error(`WebSocket to ${url} failed`));
          });
        },
        dispose: () => sandbox.dispose(),
      };
    },
    { vitestTemplate: nodeVitestTemplate.files },
  );
}
