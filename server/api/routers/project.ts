import 'server-only';
import { z } from 'zod';
import { createFiles } from '@/db/queries/files';
import { countOwnedProjectsForUpdate, deleteProject, insertProject, listProjectsByOwner, renameProject } from '@/db/queries/projects';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { authedProcedure, projectProcedure, publicProcedure, router } from '@/server/api/trpc';
import { getTemplate, mainFileOf, templateIds, templates } from '@/server/templates';

const title = z.string().trim().min(1, 'A title is required.').max(100, 'Titles are at most 100 characters.');

export const createProjectInput = z.object({
  title: title.optional(),
  template: z.enum(templateIds).nullable().default(null),
});
export const renameProjectInput = z.object({ title });

export const projectRouter = router({
  templates: publicProcedure.query(() => templates.map(({ id, title, description }) => ({ id, title, description }))),

  list: authedProcedure.query(({ ctx }) => listProjectsByOwner(ctx.db, ctx.user.id)),

  byId: projectProcedure('viewer').query(({ ctx }) => ({ ...ctx.project, role: ctx.role, mainFile: mainFileOf(ctx.project.template) })),

  create: authedProcedure.input(createProjectInput).mutation(async ({ ctx, input }) => {
    const template = input.template ? getTemplate(input.template) : null;
    return ctx.db.transaction(async (tx) => {
      if ((await countOwnedProjectsForUpdate(tx, ctx.user.id)) >= env.PROJECTS_PER_USER) {
        throw new AppError('rate_limit:project', `You have ${env.PROJECTS_PER_USER} projects, the most one person may have. Delete one to make room.`);
      }
      const created = await insertProject(tx, {
        ownerId: ctx.user.id,
        title: input.title ?? template?.title ?? 'Untitled project',
        template: template?.id ?? null,
      });
      if (template) {
        const encoder = new TextEncoder();
        const files = Object.entries(template.files).map(([path, text]) => ({ path, content: encoder.encode(text) }));
        await createFiles(tx, created.id, files);
      }
      return created;
    });
  }),

  rename: projectProcedure('editor')
    .input(renameProjectInput)
    .mutation(async ({ ctx, input }) => renameProject(ctx.db, ctx.project.id, input.title)),

  remove: projectProcedure('owner').mutation(async ({ ctx }) => ({
    removed: await deleteProject(ctx.db, ctx.project.id),
  })),
});
