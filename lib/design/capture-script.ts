import '@/lib/design/capture-offline';
import { snapdom } from '@zumer/snapdom';
import { problems, runSteps, watchPage } from '@/lib/design/act-script';
import { actRequestSchema, CAPTURE_SOURCE, captureRequestSchema, type ActReply, type CaptureReply, type Viewport } from '@/lib/design/protocol';

// Runs inside a preview page: the host preview proxy serves it as /__ide/capture.js, the WebContainer
// adapter adds it to the preview script. Bundled with snapdom by server/design/capture-bundle.ts,
// which puts the IDE's origin in place of IDE_ORIGIN below. It answers a capture request only when the
// request comes from the window that embeds this page (event.source) and from the IDE's origin
// (event.origin), and sends the picture only to that origin: any other page that frames the preview
// gets nothing.
//
// Why snapdom (@zumer/snapdom, MIT) and not modern-screenshot, which the issue names as an example: the
// same SVG-foreignObject technique, but it reads only the properties the page's style sheets and inline
// styles set (its "universe"), skips custom properties, motion and logical twins by itself, and clones
// only what lies inside `clip`; modern-screenshot read every computed property of every element, which
// kept the in-page path above 300 ms (bench:capture measured both side by side before the switch).
// The browser paints the clone, so oklch() and other modern colours come out as the page shows them
// (html2canvas's own CSS parser is what broke on Tailwind v4; capture-script.test.ts checks an oklch page).
// Where a capture's time goes now (CDP profile, dashboard fixture, ~300 elements, load 4–6): snapdom's clone
// 160–250 ms (style snapshots ~75, its per-tag default styles and the diff against them ~50), painting the SVG
// into a canvas ~50, PNG encoding ~12. A :root with 400 custom properties adds 20–60 ms (the default styles
// enumerate every inherited one).

const IDE_ORIGIN = '__IDE_ORIGIN__';

/** The first viewport of the page, as the browser shows it at scroll position 0. */
async function capture(viewport: Viewport | undefined): Promise<{ png: string; width: number; height: number }> {
  const width = window.innerWidth;
  const height = window.innerHeight;
  if (viewport && (viewport.width !== width || viewport.height !== height)) {
    throw new Error(`The preview is ${width}×${height}, not ${viewport.width}×${viewport.height}.`);
  }
  await document.fonts.ready;
  const root = document.documentElement;
  const canvasColour = getComputedStyle(root).backgroundColor;
  const bodyColour = document.body ? getComputedStyle(document.body).backgroundColor : '';
  const transparent = (c: string) => c === '' || c === 'transparent' || c === 'rgba(0, 0, 0, 0)';
  // The page's canvas colour as the browser paints it: html's background, else body's, else white.
  const backgroundColor = !transparent(canvasColour) ? canvasColour : !transparent(bodyColour) ? bodyColour : '#ffffff';
  const result = await snapdom(root, {
    clip: { x: 0, y: 0, width, height },
    dpr: 1,
    backgroundColor,
    // A preview changes between captures in ways snapdom's own change tracking may miss (CSSOM edits by
    // CSS-in-JS libraries): never answer with an earlier picture.
    invalidate: true,
    // Nor with an image, background or font as an earlier capture fetched it: snapdom keeps those by URL for the
    // page's life otherwise, and a dev server serves new content at the same URL.
    cache: 'disabled',
    // No remote fetches: snapdom has no proxy unless given one, and pages whose own fonts failed to load
    // are drawn with the fallback the page shows.
    useProxy: '',
  });
  const canvas = await result.toCanvas({ dpr: 1 });
  return { png: canvas.toDataURL('image/png'), width, height };
}

let queue: Promise<unknown> = Promise.resolve();

function start(ideOrigin: string): void {
  if (window.parent === window || (window as { __ideCapture?: boolean }).__ideCapture) return;
  (window as { __ideCapture?: boolean }).__ideCapture = true;
  watchPage();
  window.addEventListener('message', (event: MessageEvent) => {
    if (event.source !== window.parent || event.origin !== ideOrigin) return;
    const act = actRequestSchema.safeParse(event.data);
    if (act.success) {
      const { id, steps } = act.data;
      queue = queue
        .then(() => runSteps(steps))
        .then((results) => {
          const reply: ActReply = { source: CAPTURE_SOURCE, type: 'act-result', id, results, ...problems };
          window.parent.postMessage(reply, ideOrigin);
        });
      queue = queue.catch(() => undefined);
      return;
    }
    const request = captureRequestSchema.safeParse(event.data);
    if (!request.success) return;
    const { id, viewport } = request.data;
    const reply = (m: { ok: true; png: string; width: number; height: number } | { ok: false; error: string }) =>
      window.parent.postMessage({ source: CAPTURE_SOURCE, type: 'capture-result', id, ...m } satisfies CaptureReply, ideOrigin);
    // One capture at a time, in the order asked: two DOM clones at once would only slow both.
    queue = queue.then(() => capture(viewport)).then(
      (result) => reply({ ok: true, ...result }),
      (error: unknown) => reply({ ok: false, error: (error instanceof Error ? error.message : String(error)).slice(0, 500) }),
    );
    queue = queue.catch(() => undefined);
  });
}

start(IDE_ORIGIN);
