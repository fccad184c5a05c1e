import 'server-only';
import { z } from 'zod';
import {
  createChat,
  deleteChat,
  getChat,
  listChats,
  listMessages,
  renameChat,
  setPlan,
  truncateFrom,
  usageTotals,
} from '@/db/queries/chats';
import type { StoredContent } from '@/lib/agent/protocol';
import { toolArgSchemas } from '@/lib/agent/protocol';
import { AppError } from '@/lib/errors';
import { authedProcedure, projectProcedure, router, turnProcedure } from '@/server/api/trpc';
import { publicModelInfo } from '@/server/model/config';
import { startTurn } from '@/server/model/turn';
import { compactNow } from '@/server/memory/chat-memory';
import { listCompactions } from '@/db/queries/memory';
import { resolveImages } from '@/server/model/images';

// Chats of a project: the conversation, its plan and token usage, and `send`, one turn of the agent
// (server/model/turn.ts), whose events stream back through httpBatchStreamLink. Viewers read; editors change.
// A share link shows the project, not its conversations: share-link holders read no chat.

const title = z.string().trim().min(1, 'A title is required.').max(100, 'Titles are at most 100 characters.');
const chatInput = z.object({ chatId: z.uuid() });
const noShareLinks = { shareLinks: false };

async function requireChat(ctx: { db: Parameters<typeof getChat>[0] }, projectId: string, chatId: string) {
  const found = await getChat(ctx.db, projectId, chatId);
  if (!found) throw new AppError('not_found:chat', 'Chat not found.');
  return found;
}

export const chatRouter = router({
  /** Which models the picker offers, and a setup hint when none is configured. Never the key. */
  models: authedProcedure.query(({ ctx }) => publicModelInfo(ctx.turns.getModelConfig())),

  /** One model call of the agent loop (lib/agent/protocol.ts): yields TurnEvents; the request's signal aborts it. */
  send: turnProcedure.mutation(({ ctx, input, signal }) =>
    startTurn({ db: ctx.db, deps: ctx.turns, user: ctx.user, project: ctx.project, facts: ctx.turnFacts, request: input, signal }),
  ),

  /** "Compact now": summarize the older turns even under the threshold (a model call, checked like a turn). */
  compact: projectProcedure('editor')
    .input(chatInput.extend({ model: z.string().max(200).optional() }))
    .mutation(({ ctx, input, signal }) =>
      compactNow({ db: ctx.db, deps: ctx.turns, user: ctx.user, project: ctx.project, chatId: input.chatId, ...(input.model ? { model: input.model } : {}) }, signal),
    ),

  list: projectProcedure('viewer', noShareLinks).query(({ ctx, input }) => listChats(ctx.db, input.projectId)),

  create: projectProcedure('editor')
    .input(z.object({ title: title.optional() }))
    .mutation(({ ctx, input }) => createChat(ctx.db, input.projectId, input.title)),

  rename: projectProcedure('editor')
    .input(chatInput.extend({ title }))
    .mutation(async ({ ctx, input }) => {
      const row = await renameChat(ctx.db, input.projectId, input.chatId, input.title);
      if (!row) throw new AppError('not_found:chat', 'Chat not found.');
      return row;
    }),

  delete: projectProcedure('editor')
    .input(chatInput)
    .mutation(async ({ ctx, input }) => {
      if (!(await deleteChat(ctx.db, input.projectId, input.chatId))) throw new AppError('not_found:chat', 'Chat not found.');
      return { deleted: true as const };
    }),

  /** The conversation in order: user messages, assistant answers with tool calls, tool results. */
  messages: projectProcedure('viewer', noShareLinks)
    .input(chatInput)
    .query(async ({ ctx, input }) => {
      const found = await requireChat(ctx, input.projectId, input.chatId);
      const [rows, compactions] = await Promise.all([listMessages(ctx.db, found.id), listCompactions(ctx.db, input.projectId, found.id)]);
      // Image references become data URLs of the stored (scaled-down) images: the chat's thumbnails.
      const contents = await resolveImages(ctx.db, rows.map((m) => m.content as StoredContent));
      return {
        chat: { id: found.id, title: found.title, plan: found.plan, updatedAt: found.updatedAt },
        /** Shown in the message list at the time they happened ("Context compacted: 182k → 21k tokens"). */
        compactions,
        messages: rows.map((m, i) => ({ id: m.id, seq: m.seq, role: m.role, content: contents[i]!, usage: m.usage, createdAt: m.createdAt })),
      };
    }),

  plan: projectProcedure('viewer', noShareLinks)
    .input(chatInput)
    .query(async ({ ctx, input }) => (await requireChat(ctx, input.projectId, input.chatId)).plan),

  setPlan: projectProcedure('editor')
    .input(chatInput.extend({ items: toolArgSchemas.update_plan.shape.items }))
    .mutation(async ({ ctx, input }) => {
      if (!(await setPlan(ctx.db, input.projectId, input.chatId, input.items))) throw new AppError('not_found:chat', 'Chat not found.');
      return input.items;
    }),

  /** Deletes a message and everything after it: edit-and-resend (from a user message) or retry (from an answer). */
  truncateFrom: projectProcedure('editor')
    .input(chatInput.extend({ messageId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const deleted = await truncateFrom(ctx.db, input.projectId, input.chatId, input.messageId);
      if (deleted === undefined) throw new AppError('not_found:chat', 'Message not found in this chat.');
      return { deleted };
    }),

  usage: projectProcedure('viewer', noShareLinks)
    .input(chatInput)
    .query(async ({ ctx, input }) => {
      await requireChat(ctx, input.projectId, input.chatId);
      return usageTotals(ctx.db, input.chatId);
    }),
});
