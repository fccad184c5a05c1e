import 'server-only';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { revokeOtherSessions } from '@/db/queries/sessions';
import { createAccessLink, listAccessLinks, revokeAccessLink } from '@/db/queries/users';
import { AppError } from '@/lib/errors';
import { authedProcedure, router } from '@/server/api/trpc';
import { hashAccessToken } from '@/server/auth/access-link';

export const authRouter = router({
  me: authedProcedure.query(({ ctx }) => ({
    id: ctx.user.id,
    displayName: ctx.user.displayName,
    createdAt: ctx.user.createdAt,
  })),

  /** Issues a link that signs another device in as this user. The secret is returned once, only its hash is kept. */
  createAccessLink: authedProcedure.mutation(async ({ ctx }) => {
    const token = randomBytes(24).toString('base64url');
    const { id } = await createAccessLink(ctx.db, ctx.user.id, hashAccessToken(token));
    return { id, path: `/a/${token}` };
  }),

  accessLinks: authedProcedure.query(({ ctx }) => listAccessLinks(ctx.db, ctx.user.id)),

  /** Revoking a link also signs out every browser that was signed in with it (server/auth/request-user). */
  revokeAccessLink: authedProcedure.input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    if (!(await revokeAccessLink(ctx.db, ctx.user.id, input.id))) throw new AppError('not_found:auth');
    return { revoked: true };
  }),

  /** Signs out every other browser using this identity; this one stays signed in. */
  signOutOtherSessions: authedProcedure.mutation(async ({ ctx }) => {
    if (!ctx.sessionId) throw new AppError('unauthorized:auth');
    return { ended: await revokeOtherSessions(ctx.db, ctx.user.id, ctx.sessionId) };
  }),
});
