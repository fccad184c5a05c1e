import 'server-only';
import { z } from 'zod';
import { createFiles } from '@/db/queries/files';
import { countOwnedProjectsForUpdate, deleteProject, insertProject, listProjectsByOwner, renameProject } from '@/db/queries/projects';
import { env } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { authedProcedure, projectProcedure, publicProcedure, router } from '@/server/api/trpc';
import { projectAccess } from '@/server/access';
import { forkProject } from '@/server/projects/fork';
import { getTemplate, mainFileOf, templateIds, templates } from '@/server/templates';

const title = z.string().trim().min(1, 'A title is required.').max(100, 'Titles are at most 100 characters.');

export const createProjectInput = z.object({
  title: title.optional(),
  template: z.enum(templateIds).nullable().default(null),
});
export const renameProjectInput = z.object({ title });
export const forkProjectInput = z.object({ title: title.optional() });

export const projectRouter = router({
  templates: publicProcedure.query(() => templates.map(({ id, title, description }) => ({ id, title, description }))),

  list: authedProcedure.query(({ ctx }) => listProjectsByOwner(ctx.db, ctx.user.id)),

  byId: projectProcedure('viewer').query(async ({ ctx }) => {
    // The source's title only for someone who may still see it: a fork must not leak a later rename.
    const sourceId = ctx.project.forkedFromId;
    const source = sourceId ? await projectAccess(ctx.db, sourceId, ctx.user.id) : undefined;
    return { ...ctx.project, role: ctx.role, shared: ctx.access.via === 'share', forkedFrom: source ? { id: source.project.id, title: source.project.title } : null, mainFile: mainFileOf(ctx.project.template) };
  }),

  /** An editable copy of your own, for anyone who may view the project (share-link holders too). */
  fork: projectProcedure('viewer')
    .input(forkProjectInput)
    .mutation(({ ctx, input }) => forkProject(ctx.db, { sourceProjectId: ctx.project.id, ownerId: ctx.user.id, name: input.title })),

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
