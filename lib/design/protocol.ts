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

const viewportSchema = z.object({
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
