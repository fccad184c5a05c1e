import 'server-only';
import { z } from 'zod';
import { activeShareLink, grantShare, revokeShareLinks, rotateShareLink, shareLinkBySlug } from '@/db/queries/sharing';
import { AppError } from '@/lib/errors';
import { projectAccess } from '@/server/access';
import { authedProcedure, projectProcedure, router } from '@/server/api/trpc';

// Read-only share links (/s/<slug>): the owner turns one on, rotates or revokes it; whoever opens it
// becomes a viewer of the project (server/access.ts) while it lives.

export const slugInput = z.object({ slug: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'That is not a share link.') });

export const shareRouter = router({
  get: projectProcedure('owner').query(async ({ ctx }) => ({ slug: (await activeShareLink(ctx.db, ctx.project.id))?.slug ?? null })),

  /** Turns the link on, or replaces it with a new one (the old slug stops working at once). */
  rotate: projectProcedure('owner').mutation(({ ctx }) => ctx.db.transaction((tx) => rotateShareLink(tx, ctx.project.id))),

  revoke: projectProcedure('owner').mutation(async ({ ctx }) => {
    await revokeShareLinks(ctx.db, ctx.project.id);
    return { slug: null };
  }),

  /** Opening /s/<slug>: records the caller as a share holder (owners and members keep their role). */
  open: authedProcedure.input(slugInput).mutation(async ({ ctx, input }) => {
    const link = await shareLinkBySlug(ctx.db, input.slug);
    if (!link) throw new AppError('not_found:share');
    const held = await projectAccess(ctx.db, link.projectId, ctx.user.id);
    if (!held || held.via === 'share') await grantShare(ctx.db, link.id, ctx.user.id);
    return { projectId: link.projectId };
  }),
});
