import 'server-only';
import { z } from 'zod';
import { updateProjectSettings } from '@/db/queries/projects';
import { applySandboxChanges, snapshotFiles } from '@/db/queries/sync';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { decodeContent, encodeContent, fileContentSchema } from '@/lib/files/content';
import { FILE_LIMITS } from '@/lib/files/limits';
import { normalizeProjectPath } from '@/lib/files/path';
import { projectSettingsSchema, resolveSettings } from '@/lib/project-settings';
import { projectProcedure, router } from '@/server/api/trpc';
import { issuePreviewTicket } from '@/server/auth/preview-ticket';

// The project's sandbox as the page sees it: which adapters the operator allows, the project's
// settings, and the sync between the database and a sandbox's working copy (lib/sandbox/sync.ts).

const pathInput = z.string().min(1).max(FILE_LIMITS.maxPathLength * 2);

export const applyChangesInput = z.object({
  put: z.array(fileContentSchema.extend({ path: pathInput })).max(500),
  remove: z.array(pathInput).max(500),
});

export const previewTicketInput = z.object({ port: z.number().int().min(1).max(65535) });

export const sandboxRouter = router({
  /**
   * A 60-second pass into the caller's host-sandbox preview on that port (server/auth/preview-ticket.ts):
   * the project's sandbox, or for a share-link holder their own (server/access.ts).
   */
  previewTicket: projectProcedure('viewer')
    .input(previewTicketInput)
    .query(({ ctx, input }) => issuePreviewTicket(ctx.user.id, { projectId: ctx.access.sandboxId, port: input.port })),

  /** What the page needs to choose and boot a sandbox. Never includes secrets. */
  config: projectProcedure('viewer').query(({ ctx }) => ({
    adapters: env.SANDBOX_ADAPTERS,
    forceHost: env.SANDBOX_FORCE_HOST,
    webcontainerTimeoutMs: env.SANDBOX_WEBCONTAINER_TIMEOUT_MS,
    settings: resolveSettings(ctx.project.settings),
    role: ctx.role,
  })),

  updateSettings: projectProcedure('owner')
    .input(projectSettingsSchema)
    .mutation(async ({ ctx, input }) => {
      const settings = await updateProjectSettings(ctx.db, ctx.project.id, input);
      if (!settings) throw new AppError('not_found:project', 'This project no longer exists.');
      return resolveSettings(settings);
    }),

  /** Every file with its contents, to mount a sandbox. */
  snapshot: projectProcedure('viewer').query(async ({ ctx }) =>
    (await snapshotFiles(ctx.db, ctx.project.id)).map((f) => ({ path: f.path, version: f.version, hash: f.hash, ...encodeContent(f.content) })),
  ),

  /** Files changed inside the sandbox (terminal, npm, agent commands) and saved back. */
  applyChanges: projectProcedure('editor')
    .input(applyChangesInput)
    .mutation(async ({ ctx, input }) => {
      const put = input.put.map((f) => ({ path: normalizeProjectPath(f.path), content: decodeContent(f) }));
      const total = put.reduce((n, f) => n + f.content.byteLength, 0);
      if (total > FILE_LIMITS.maxProjectBytes) throw new AppError('too_large:project', 'Too many changes at once; send them in smaller batches.');
      return applySandboxChanges(ctx.db, ctx.project.id, { put, remove: input.remove.map(normalizeProjectPath) });
    }),
});
