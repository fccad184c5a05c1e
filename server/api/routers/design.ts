import 'server-only';
import { z } from 'zod';
import { imageDataUrlSchema } from '@/lib/agent/protocol';
import { MAX_CAPTURE_CHARS } from '@/lib/design/protocol';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { projectProcedure, router } from '@/server/api/trpc';
import { capturePreviewOnServer, previewCaptureInput } from '@/server/design/preview-capture';
import { designState, scoreRound, startFromDesign } from '@/server/design/rounds';

// The design loop of a project started from a design screenshot: its design, its rounds (capture,
// diff and score each), and scoring a new capture of the preview.

const startInput = z.object({ image: imageDataUrlSchema });
const scoreInput = z.object({ capture: z.string().startsWith('data:image/png;base64,').max(MAX_CAPTURE_CHARS) });

export const designRouter = router({
  start: projectProcedure('editor')
    .input(startInput)
    .mutation(({ ctx, input }) => startFromDesign(ctx.db, ctx.project.id, input.image)),

  state: projectProcedure('viewer').query(({ ctx }) => designState(ctx.db, ctx.project.id)),

  score: projectProcedure('editor')
    .input(scoreInput)
    .mutation(({ ctx, input }) => scoreRound(ctx.db, ctx.project.id, input.capture)),

  /**
   * A host sandbox's preview captured by the server's browser (screenshot_preview and the loop's
   * capture on host projects), entering with a ticket for the caller: the caller's own sandbox, as
   * sandbox.previewTicket gives. WebContainer previews are captured in the page.
   */
  capture: projectProcedure('editor')
    .input(previewCaptureInput)
    .mutation(({ ctx, input }) => {
      if (!env.SANDBOX_ADAPTERS.includes('host')) throw new AppError('unavailable:design', 'This server runs no host sandboxes.');
      return capturePreviewOnServer(ctx.user.id, ctx.access.sandboxId, input);
    }),
});
