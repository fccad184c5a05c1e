import * as z from 'zod/mini';

// The messages between the IDE and the capture script in a preview page (lib/design/capture-script.ts).
// Both sides treat what arrives as untrusted: the preview runs any code, and any page may post to it.

export const CAPTURE_SOURCE = 'ide-capture';
/** Where the capture script is served: on preview hosts by the preview proxy (for the IDE's origin), and on
 *  the IDE's own origin with the origin left open, for the WebContainer adapter to fill in (capture-origin.ts). */
export const CAPTURE_SCRIPT_PATH = '/__ide/capture.js';
/** Largest capture accepted back (a data URL; a 1280×800 page is usually well under 2 MB). */
export const MAX_CAPTURE_CHARS = 24 * 1024 * 1024;

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  mobile: { width: 390, height: 844 },
} as const;

export const viewportSchema = z.object({
  width: z.number().check(z.int(), z.minimum(1), z.maximum(4096)),
  height: z.number().check(z.int(), z.minimum(1), z.maximum(4096)),
});
export type Viewport = z.infer<typeof viewportSchema>;

export const captureRequestSchema = z.object({
  source: z.literal(CAPTURE_SOURCE),
  type: z.literal('capture'),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  viewport: z.optional(viewportSchema),
});
export type CaptureRequest = z.infer<typeof captureRequestSchema>;

export const captureReplySchema = z.discriminatedUnion('ok', [
  z.object({
    source: z.literal(CAPTURE_SOURCE),
    type: z.literal('capture-result'),
    id: z.string().check(z.maxLength(64)),
    ok: z.literal(true),
    png: z.string().check(z.startsWith('data:image/png;base64,'), z.maxLength(MAX_CAPTURE_CHARS)),
    width: viewportSchema.shape.width,
    height: viewportSchema.shape.height,
  }),
  z.object({
    source: z.literal(CAPTURE_SOURCE),
    type: z.literal('capture-result'),
    id: z.string().check(z.maxLength(64)),
    ok: z.literal(false),
    error: z.string().check(z.maxLength(500)),
  }),
]);
export type CaptureReply = z.infer<typeof captureReplySchema>;

// Acting in the preview (the preview_act tool): steps run in order by the same script; the reply
// says what each did or found, plus the console errors and failed requests seen since the page loaded.

const text = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
/** An element: by ARIA role (and accessible name), by visible text, or by CSS selector; the first match. */
export const actTargetSchema = z.object({
  role: z.optional(text(40)),
  name: z.optional(text(200)),
  text: z.optional(text(200)),
  selector: z.optional(text(300)),
});
export type ActTarget = z.infer<typeof actTargetSchema>;

export const actStepSchema = z.discriminatedUnion('do', [
  z.object({ do: z.literal('click'), target: actTargetSchema }),
  z.object({ do: z.literal('type'), target: actTargetSchema, text: z.string().check(z.maxLength(2000)) }),
  z.object({ do: z.literal('press'), key: text(40), target: z.optional(actTargetSchema) }),
  z.object({ do: z.literal('read_text'), target: z.optional(actTargetSchema) }),
  z.object({ do: z.literal('read_dom'), target: actTargetSchema }),
  z.object({ do: z.literal('expect_text'), text: text(200), target: z.optional(actTargetSchema) }),
  z.object({ do: z.literal('expect_count'), target: actTargetSchema, count: z.number().check(z.int(), z.minimum(0), z.maximum(10_000)) }),
]);
export type ActStep = z.infer<typeof actStepSchema>;
export const actStepsSchema = z.array(actStepSchema).check(z.minLength(1), z.maxLength(20));

export const actRequestSchema = z.object({
  source: z.literal(CAPTURE_SOURCE),
  type: z.literal('act'),
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  steps: actStepsSchema,
});

export const actStepResultSchema = z.object({ ok: z.boolean(), detail: z.string().check(z.maxLength(8000)) });
export type ActStepResult = z.infer<typeof actStepResultSchema>;

export const actReplySchema = z.object({
  source: z.literal(CAPTURE_SOURCE),
  type: z.literal('act-result'),
  id: z.string().check(z.maxLength(64)),
  results: z.array(actStepResultSchema).check(z.maxLength(20)),
  consoleErrors: z.array(z.string().check(z.maxLength(1000))).check(z.maxLength(50)),
  failedRequests: z.array(z.string().check(z.maxLength(1000))).check(z.maxLength(50)),
});
export type ActReply = z.infer<typeof actReplySchema>;
