import 'server-only';
import { z } from 'zod';
import { createFiles, writeFile } from '@/db/queries/files';
import { NOTES_MAX_BYTES, NOTES_PATH } from '@/db/queries/memory';
import { projectProcedure, router } from '@/server/api/trpc';
import { memoryView } from '@/server/memory/chat-memory';

// A chat's memory for the memory panel (summary, plan, decisions, pinned notes, context size), and
// the pinned notes' editor: AGENTS.md written with the same queries (and version check) as files.write,
// so the tree, the sandbox sync and the next prompt all see the same file.

const notesInput = z.object({
  text: z.string().refine((t) => Buffer.byteLength(t) <= NOTES_MAX_BYTES, `The notes are at most ${NOTES_MAX_BYTES / 1024} KiB.`),
  /** The version the panel showed; null when AGENTS.md did not exist. A stale one is a conflict. */
  expectedVersion: z.number().int().min(1).nullable(),
});

export const memoryRouter = router({
  get: projectProcedure('viewer', { shareLinks: false })
    .input(z.object({ chatId: z.uuid(), model: z.string().max(200).optional() }))
    .query(({ ctx, input }) => memoryView(ctx.db, ctx.turns, input.projectId, input.chatId, input.model)),

  setNotes: projectProcedure('editor')
    .input(notesInput)
    .mutation(async ({ ctx, input }) => {
      const content = new TextEncoder().encode(input.text);
      const row =
        input.expectedVersion === null
          ? (await createFiles(ctx.db, ctx.project.id, [{ path: NOTES_PATH, content }]))[0]!
          : await writeFile(ctx.db, { projectId: ctx.project.id, path: NOTES_PATH, content, expectedVersion: input.expectedVersion });
      return { path: row.path, version: row.version };
    }),
});
