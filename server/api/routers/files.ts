import 'server-only';
import { z } from 'zod';
import { createFiles, deletePath, listFiles, readFile, renamePath, searchFiles, writeFile } from '@/db/queries/files';
import { AppError } from '@/lib/errors';
import { decodeContent, encodeContent, fileContentSchema } from '@/lib/files/content';
import { FILE_LIMITS } from '@/lib/files/limits';
import { normalizeProjectPath } from '@/lib/files/path';
import { projectProcedure, router } from '@/server/api/trpc';

/** A path as given; normalized (and rejected with a clear message) by normalizeProjectPath. */
const pathInput = z.string().min(1).max(FILE_LIMITS.maxPathLength * 2);

export const readFileInput = z.object({ path: pathInput });
export const writeFileInput = fileContentSchema.extend({
  path: pathInput,
  expectedVersion: z.number().int().min(1),
});
export const createFileInput = fileContentSchema.extend({ path: pathInput });
export const renamePathInput = z.object({ from: pathInput, to: pathInput });
export const removePathInput = z.object({ path: pathInput });
export const searchFilesInput = z.object({
  query: z.string().min(1).max(200),
  caseSensitive: z.boolean().default(false),
  wholeWord: z.boolean().default(false),
  maxMatches: z.number().int().min(1).max(2000).default(500),
});

export const filesRouter = router({
  tree: projectProcedure('viewer').query(async ({ ctx }) => {
    const files = await listFiles(ctx.db, ctx.project.id);
    return files.map(({ path, size, version, hash }) => ({ path, size, version, hash }));
  }),

  read: projectProcedure('viewer')
    .input(readFileInput)
    .query(async ({ ctx, input }) => {
      const path = normalizeProjectPath(input.path);
      const file = await readFile(ctx.db, ctx.project.id, path);
      if (!file) throw new AppError('not_found:file', `"${path}" does not exist.`);
      return { path, version: file.version, size: file.size, hash: file.hash, ...encodeContent(file.content) };
    }),

  write: projectProcedure('editor')
    .input(writeFileInput)
    .mutation(async ({ ctx, input }) => {
      const path = normalizeProjectPath(input.path);
      const row = await writeFile(ctx.db, {
        projectId: ctx.project.id,
        path,
        content: decodeContent(input),
        expectedVersion: input.expectedVersion,
      });
      return { path: row.path, version: row.version, size: row.size, hash: row.hash };
    }),

  create: projectProcedure('editor')
    .input(createFileInput)
    .mutation(async ({ ctx, input }) => {
      const path = normalizeProjectPath(input.path);
      const [row] = await createFiles(ctx.db, ctx.project.id, [{ path, content: decodeContent(input) }]);
      if (!row) throw new Error('create returned nothing');
      return { path: row.path, version: row.version, size: row.size, hash: row.hash };
    }),

  rename: projectProcedure('editor')
    .input(renamePathInput)
    .mutation(async ({ ctx, input }) => {
      const from = normalizeProjectPath(input.from);
      const to = normalizeProjectPath(input.to);
      const moved = await renamePath(ctx.db, ctx.project.id, from, to);
      return { from, to, moved };
    }),

  remove: projectProcedure('editor')
    .input(removePathInput)
    .mutation(async ({ ctx, input }) => {
      const path = normalizeProjectPath(input.path);
      return { path, removed: await deletePath(ctx.db, ctx.project.id, path) };
    }),

  search: projectProcedure('viewer')
    .input(searchFilesInput)
    .query(({ ctx, input }) => searchFiles(ctx.db, ctx.project.id, input)),
});
