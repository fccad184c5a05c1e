import 'server-only';
import { z } from 'zod';
import { addMember, createInvite, inviteByToken, listInvites, listMembers, listSharedWith, removeMember, revokeInvite, setMemberRole } from '@/db/queries/members';
import { AppError } from '@/lib/errors';
import { authedProcedure, projectProcedure, router } from '@/server/api/trpc';

// Members and invite links (/i/<token>). Only the owner invites, changes roles and removes; a change
// counts at the member's next request (server/access.ts reads the role every time).

const memberRole = z.enum(['editor', 'viewer']);
export const tokenInput = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{32}$/, 'That is not an invite link.') });
export const inviteInput = z.object({ role: memberRole });
export const memberInput = z.object({ userId: z.uuid() });
export const setRoleInput = z.object({ userId: z.uuid(), role: memberRole });
export const inviteIdInput = z.object({ inviteId: z.uuid() });

export const membersRouter = router({
  list: projectProcedure('owner').query(async ({ ctx }) => ({
    members: await listMembers(ctx.db, ctx.project.id),
    invites: await listInvites(ctx.db, ctx.project.id),
  })),

  /** A new invite link; its secret is in the answer only. */
  invite: projectProcedure('owner')
    .input(inviteInput)
    .mutation(({ ctx, input }) => createInvite(ctx.db, ctx.project.id, input.role)),

  revokeInvite: projectProcedure('owner')
    .input(inviteIdInput)
    .mutation(async ({ ctx, input }) => ({ revoked: await revokeInvite(ctx.db, ctx.project.id, input.inviteId) })),

  setRole: projectProcedure('owner')
    .input(setRoleInput)
    .mutation(async ({ ctx, input }) => {
      if (!(await setMemberRole(ctx.db, ctx.project.id, input.userId, input.role))) throw new AppError('not_found:member');
      return { ok: true as const };
    }),

  remove: projectProcedure('owner')
    .input(memberInput)
    .mutation(async ({ ctx, input }) => ({ removed: await removeMember(ctx.db, ctx.project.id, input.userId) })),

  /** What an invite link offers (the page asks before accepting). */
  inviteInfo: authedProcedure.input(tokenInput).query(async ({ ctx, input }) => {
    const invite = await inviteByToken(ctx.db, input.token);
    if (!invite) throw new AppError('not_found:invite');
    return { title: invite.title, role: invite.role, isOwner: invite.ownerId === ctx.user.id };
  }),

  accept: authedProcedure.input(tokenInput).mutation(async ({ ctx, input }) => {
    const invite = await inviteByToken(ctx.db, input.token);
    if (!invite) throw new AppError('not_found:invite');
    if (invite.ownerId !== ctx.user.id && invite.role !== 'owner') await addMember(ctx.db, invite.projectId, ctx.user.id, invite.role);
    return { projectId: invite.projectId };
  }),

  /** Projects others own that the caller is a member of. */
  sharedWithMe: authedProcedure.query(({ ctx }) => listSharedWith(ctx.db, ctx.user.id)),
});
