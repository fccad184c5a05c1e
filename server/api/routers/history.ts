import 'server-only';
import { z } from 'zod';
import { getBlobs } from '@/db/queries/blobs';
import { createCheckpoint, diffTrees, lastTurnStart, listCheckpoints, treeOf } from '@/db/queries/checkpoints';
import { restoreCheckpoint } from '@/db/queries/restore';
import { AppError } from '@/lib/errors';
import { encodeContent } from '@/lib/files/content';
import { FILE_LIMITS } from '@/lib/files/limits';
import { normalizeProjectPath } from '@/lib/files/path';
import { projectProcedure, router } from '@/server/api/trpc';

// A project's history (db/queries/checkpoints.ts, restore.ts): checkpoints before and after each agent
// turn and on "Save checkpoint", the diff between two, restore and "undo last agent turn".
// Viewers may look; editors may save and restore.

const side = z.union([z.uuid(), z.literal('current')]);

export const createCheckpointInput = z.object({
  kind: z.enum(['turn_start', 'turn_end', 'manual']).default('manual'),
  message: z.string().trim().min(1).max(200).default('Saved checkpoint'),
  chatId: z.uuid().nullable().default(null),
});
export const diffInput = z.object({ from: z.uuid(), to: side });
export const fileDiffInput = diffInput.extend({ path: z.string().min(1).max(FILE_LIMITS.maxPathLength * 2) });
export const restoreInput = z.object({ checkpointId: z.uuid(), chatId: z.uuid().nullable().default(null) });
export const undoInput = z.object({ chatId: z.uuid().nullable().default(null) });

export const historyRouter = router({
  list: projectProcedure('viewer', { shareLinks: false }).query(({ ctx }) => listCheckpoints(ctx.db, ctx.project.id)),

  create: projectProcedure('editor')
    .input(createCheckpointInput)
    .mutation(({ ctx, input }) => createCheckpoint(ctx.db, { kind: input.kind, message: input.message, chatId: input.chatId, projectId: ctx.project.id, userId: ctx.user.id })),

  /** Paths that differ between two checkpoints (or a checkpoint and the files now). */
  diff: projectProcedure('viewer', { shareLinks: false })
    .input(diffInput)
    .query(async ({ ctx, input }) => {
      const changes = diffTrees(await treeOf(ctx.db, ctx.project.id, input.from), await treeOf(ctx.db, ctx.project.id, input.to));
      return changes.map(({ path, status }) => ({ path, status }));
    }),

  /** One file on both sides, for Monaco's diff editor; null where the file did not exist. */
  fileDiff: projectProcedure('viewer', { shareLinks: false })
    .input(fileDiffInput)
    .query(async ({ ctx, input }) => {
      const path = normalizeProjectPath(input.path);
      const [from, to] = await Promise.all([treeOf(ctx.db, ctx.project.id, input.from), treeOf(ctx.db, ctx.project.id, input.to)]);
      const before = from.find((f) => f.path === path)?.hash ?? null;
      const after = to.find((f) => f.path === path)?.hash ?? null;
      if (!before && !after) throw new AppError('not_found:file', `"${path}" is in neither checkpoint.`);
      const blobs = await getBlobs(ctx.db, [before, after].filter((h): h is string => h !== null));
      const side = (hash: string | null) => {
        const bytes = hash ? blobs.get(hash) : undefined;
        return bytes ? encodeContent(bytes) : null;
      };
      return { path, before: side(before), after: side(after) };
    }),

  restore: projectProcedure('editor')
    .input(restoreInput)
    .mutation(async ({ ctx, input }) => {
      const r = await restoreCheckpoint(ctx.db, { projectId: ctx.project.id, checkpointId: input.checkpointId, currentChatId: input.chatId, userId: ctx.user.id });
      return { restoredId: r.restored.id, savedId: r.saved.id, chatId: r.chatId, changed: r.changes.map((c) => c.path) };
    }),

  /** Restores the checkpoint taken before the chat's last agent turn: every file the turn changed, commands' included. */
  undoLastTurn: projectProcedure('editor')
    .input(undoInput)
    .mutation(async ({ ctx, input }) => {
      const turn = await lastTurnStart(ctx.db, ctx.project.id, input.chatId);
      if (!turn) throw new AppError('not_found:history', 'There is no agent turn to undo in this conversation.');
      const r = await restoreCheckpoint(ctx.db, { projectId: ctx.project.id, checkpointId: turn.id, currentChatId: input.chatId, userId: ctx.user.id });
      return { restoredId: r.restored.id, savedId: r.saved.id, chatId: r.chatId, changed: r.changes.map((c) => c.path) };
    }),
});
