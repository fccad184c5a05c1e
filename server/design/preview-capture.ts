import 'server-only';
import { z } from 'zod';
import { viewportSchema } from '@/lib/design/protocol';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { previewEntryUrl } from '@/lib/stores/preview';
import { issuePreviewTicket } from '@/server/auth/preview-ticket';
import { serverCapture, type ServerCapture } from '@/server/design/server-capture';
import { previewUrlFor } from '@/server/sandbox-host/preview-proxy';

// A host sandbox's preview captured on the server (design.capture): the capturing browser enters the
// preview exactly as the user's browser would, with a 60-second ticket made out to the requesting user
// (server/auth/preview-ticket.ts), so the preview proxy asks the access policy as for any page. The
// browser is pointed at this server's own listener; the path stays on the preview's origin.

export const previewCaptureInput = z.object({
  port: z.number().int().min(1).max(65535),
  path: z.string().startsWith('/').max(2048).default('/'),
  /** desktop 1280×800, mobile 390×844, or the design's size in the design loop. */
  viewport: viewportSchema,
});
export type PreviewCaptureInput = z.infer<typeof previewCaptureInput>;

/** The port the IDE listens on (tests start theirs on another). */
let listenPort = env.PORT;
export function setCaptureListenPort(port: number): void {
  listenPort = port;
}

export function previewCaptureUrl(userId: string, sandboxId: string, input: PreviewCaptureInput): string {
  const base = new URL(previewUrlFor({ domain: env.PREVIEW_DOMAIN, port: input.port, projectId: sandboxId, host: `localhost:${listenPort}` }));
  // "//elsewhere/x" would resolve to another host: the path must stay on the preview's origin.
  const target = new URL(input.path, base);
  if (target.origin !== base.origin) throw new AppError('bad_request:design', 'That path is not on the preview.');
  const { ticket } = issuePreviewTicket(userId, { projectId: sandboxId, port: input.port });
  return previewEntryUrl(target.toString(), ticket);
}

export async function capturePreviewOnServer(
  userId: string,
  sandboxId: string,
  input: PreviewCaptureInput,
  capturer: ServerCapture = serverCapture(),
): Promise<{ png: string; width: number; height: number }> {
  // Kept warm for this user's next capture of this preview (one context per user and origin).
  const { png, width, height } = await capturer.capture(previewCaptureUrl(userId, sandboxId, input), input.viewport, userId);
  return { png: `data:image/png;base64,${png.toString('base64')}`, width, height };
}
