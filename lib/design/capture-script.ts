import { domToPng } from 'modern-screenshot';
import { problems, runSteps, watchPage } from '@/lib/design/act-script';
import { actRequestSchema, CAPTURE_SOURCE, captureRequestSchema, type ActReply, type CaptureReply, type Viewport } from '@/lib/design/protocol';

// Runs inside a preview page: the host preview proxy serves it as /__ide/capture.js, the WebContainer
// adapter adds it to the preview script. Bundled with modern-screenshot by server/design/capture-bundle.ts,
// which puts the IDE's origin in place of IDE_ORIGIN below. It answers a capture request only when the
// request comes from the window that embeds this page (event.source) and from the IDE's origin
// (event.origin), and sends the picture only to that origin: any other page that frames the preview
// gets nothing.

const IDE_ORIGIN = '__IDE_ORIGIN__';

/**
 * Computed properties a still picture of the page does not depend on. Custom properties: computed
 * values already have var() resolved, and a Tailwind v4 page inherits hundreds onto every element,
 * which modern-screenshot would otherwise copy one by one onto each clone (4–6× slower). Logical
 * properties (`margin-inline-start`, `border-block-end-width`, …): the clone gets their physical
 * twins' computed values, which are what was painted. Motion and interaction (animations, transitions,
 * scroll snapping, cursors, selection, …): they change nothing in a frame already laid out. Reading each
 * property of each element is most of a capture's time; these are a quarter of Chromium's list.
 */
const UNPAINTED =
  /^(--|animation|transition|view-transition|view-timeline|scroll-timeline|timeline-|trigger-scope|scroll-(margin|padding|snap|behavior|initial|marker|target|axis)|overscroll|caret|cursor$|pointer-events|user-select|touch-action|resize$|interactivity|interest-|app-region|window-drag|speak$|-webkit-user-|-webkit-tap|print-color|orphans|widows|break-|(block|inline)-size$|(border|corner)-(start|end)-(start|end)-)|-(block|inline)(-|$)/;

/**
 * The style properties the clone copies: every one the browser lists but those above. Where a capture's
 * time goes (CDP profile, dashboard fixture at 1280×800, ~440 ms of the frame's CPU before this list):
 * reading computed properties ~35% (getPropertyValue, modern-screenshot's diff against default styles),
 * writing them onto the clone ~10%, the browser laying out and painting the SVG image ~17%, serializing
 * it ~7%, default styles ~5%, PNG encoding ~4%. Reading is per element × property, so the floor of this
 * path is modern-screenshot's style copy: ~1.5 ms of CPU per element (bench:capture, load 8–16: the
 * 110–140-element fixtures 270–330 ms, the 300-element dashboard 440–520 ms).
 */
function paintedProperties(root: Element): string[] {
  const style = getComputedStyle(root);
  const names: string[] = [];
  for (let i = 0; i < style.length; i++) if (!UNPAINTED.test(style.item(i))) names.push(style.item(i));
  return names;
}

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
  const png = await domToPng(root, { width, height, scale: 1, backgroundColor, includeStyleProperties: paintedProperties(root) });
  return { png, width, height };
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
