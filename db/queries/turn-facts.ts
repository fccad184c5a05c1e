import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accessFactColumns, toAccessFacts, type AccessFacts } from '@/db/queries/access';
import { chatMemoryColumns, toChatMemory, type ChatMemory } from '@/db/queries/memory';
import { liveSessionColumn, toLiveSession, type LiveSession } from '@/db/queries/sessions';
import { chat, project, type Chat } from '@/db/schema';

// Everything chat.send reads before its model call, in one statement (PGlite runs on the server's
// thread: each round trip there held the upstream request back): the facts the access policy decides
// on, the caller's tokens today (the budget), the chat with its memory, and its messages in order.

/** A stored message as the turn needs it. */
export interface TurnMessageRow {
  id: string;
  seq: number;
  content: unknown;
  tokens: number | null;
}

export interface TurnFacts {
  /** The browser's session when it was asked for (`sessionId`) and is live, with its user. */
  session?: LiveSession;
  /** undefined: no such project. */
  access: AccessFacts | undefined;
  /** The caller's model tokens on `day`. */
  usedToday: number;
  /** undefined: no such chat in the project. */
  chat: { chat: Chat; memory: ChatMemory } | undefined;
  /** The chat's messages, oldest first (empty without a chat). */
  messages: TurnMessageRow[];
}

const outerChat = sql.identifier('chat');

/** The owner or a member above viewer (a share grant gives a viewer's role). */
const mayRunTurns = (userId: string) =>
  sql`(${project.ownerId} = ${userId} or exists (select 1 from project_member pm where pm.project_id = ${project.id} and pm.user_id = ${userId} and pm.role <> 'viewer'))`;

/** The facts for `userId`; with `sessionId` (the cookie's claims) also whether that session is live. */
export async function getTurnFacts(db: Db, input: { projectId: string; chatId: string; userId: string; day: string; sessionId?: string }): Promise<TurnFacts> {
  const [row] = await db
    .select({
      ...accessFactColumns(input.userId),
      usedToday: sql<string | number | null>`(select mu.tokens from model_usage mu where mu.user_id = ${input.userId} and mu.day = ${input.day})`,
      chat,
      ...chatMemoryColumns,
      messages: sql<TurnMessageRow[]>`coalesce((select json_agg(json_build_object('id', m.id, 'seq', m.seq, 'content', m.content, 'tokens', m.tokens) order by m.seq)
        from message m where m.chat_id = ${outerChat}.id), '[]'::json)`,
      session: input.sessionId ? liveSessionColumn(input.sessionId, input.userId) : sql<null>`null`,
    })
    .from(project)
    // The chat (and its messages, the statement's bulk) only for a caller who may hold an editor's role: a refusal
    // costs no history. A cost guard, not the decision: server/access.ts still decides on the facts.
    .leftJoin(chat, and(eq(chat.id, input.chatId), eq(chat.projectId, project.id), mayRunTurns(input.userId)))
    .where(eq(project.id, input.projectId));
  if (!row) return { access: undefined, usedToday: 0, chat: undefined, messages: [] };
  return {
    ...(row.session ? { session: toLiveSession(row.session) } : {}),
    access: toAccessFacts(row),
    usedToday: Number(row.usedToday ?? 0),
    chat: row.chat ? { chat: row.chat, memory: toChatMemory(row) } : undefined,
    messages: row.chat ? row.messages : [],
  };
}
