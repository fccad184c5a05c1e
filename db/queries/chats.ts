import 'server-only';
import { and, asc, desc, eq, gte, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { Tx } from '@/db/queries/blobs';
import { chat, message, type Chat, type Message, type PlanItem } from '@/db/schema';

// Chats of a project and their messages. Every query on a chat is scoped by projectId, so a chat id
// from another project is simply not found.

export type ChatSummary = Pick<Chat, 'id' | 'projectId' | 'title' | 'createdAt' | 'updatedAt'>;
export type MessageRole = Message['role'];
export type MessageUsage = NonNullable<Message['usage']>;

const chatColumns = { id: chat.id, projectId: chat.projectId, title: chat.title, createdAt: chat.createdAt, updatedAt: chat.updatedAt };

export async function listChats(db: Db, projectId: string): Promise<ChatSummary[]> {
  return db.select(chatColumns).from(chat).where(eq(chat.projectId, projectId)).orderBy(desc(chat.updatedAt), desc(chat.createdAt));
}

export async function getChat(db: Tx, projectId: string, chatId: string): Promise<Chat | undefined> {
  const [row] = await db.select().from(chat).where(and(eq(chat.id, chatId), eq(chat.projectId, projectId)));
  return row;
}

export async function createChat(db: Db, projectId: string, title?: string): Promise<ChatSummary> {
  const [row] = await db.insert(chat).values({ projectId, ...(title ? { title } : {}) }).returning(chatColumns);
  if (!row) throw new Error('chat insert returned nothing');
  return row;
}

export async function renameChat(db: Tx, projectId: string, chatId: string, title: string): Promise<ChatSummary | undefined> {
  const [row] = await db
    .update(chat)
    .set({ title })
    .where(and(eq(chat.id, chatId), eq(chat.projectId, projectId)))
    .returning(chatColumns);
  return row;
}

export async function deleteChat(db: Db, projectId: string, chatId: string): Promise<boolean> {
  const rows = await db.delete(chat).where(and(eq(chat.id, chatId), eq(chat.projectId, projectId))).returning({ id: chat.id });
  return rows.length > 0;
}

export async function setPlan(db: Tx, projectId: string, chatId: string, plan: PlanItem[]): Promise<boolean> {
  const rows = await db
    .update(chat)
    .set({ plan })
    .where(and(eq(chat.id, chatId), eq(chat.projectId, projectId)))
    .returning({ id: chat.id });
  return rows.length > 0;
}

export async function listMessages(db: Tx, chatId: string): Promise<Message[]> {
  return db.select().from(message).where(eq(message.chatId, chatId)).orderBy(asc(message.seq));
}

export interface NewMessage {
  /** Chosen by the caller when the id is needed before the insert (the turn's prompt); else random. */
  id?: string;
  role: MessageRole;
  content: unknown;
  usage?: MessageUsage | null;
  /** Its prompt tokens (server/memory/count.ts countStored); unset → counted at the next turn. */
  tokens?: number | null;
}

/** The chat's messages changed after the caller read them (appendMessages' afterSeq). */
export class ChatChangedError extends Error {
  constructor() {
    super('the chat changed since it was read');
  }
}

/**
 * Appends messages at the end of a chat, in order, and touches the chat. The unique (chat, seq)
 * index makes two concurrent appends fail rather than interleave.
 */
export async function appendMessages(db: Db, chatId: string, rows: NewMessage[], opts: { afterSeq?: number } = {}): Promise<Message[]> {
  if (!rows.length) return [];
  return db.transaction(async (tx) => {
    const [last] = await tx
      .select({ seq: sql<number | null>`max(${message.seq})` })
      .from(message)
      .where(eq(message.chatId, chatId));
    const lastSeq = Number(last?.seq ?? 0);
    // afterSeq: the caller planned these rows on the chat as it was then; anything appended or deleted since refuses them.
    if (opts.afterSeq !== undefined && lastSeq !== opts.afterSeq) throw new ChatChangedError();
    const start = lastSeq + 1;
    const inserted = await tx
      .insert(message)
      .values(rows.map((r, i) => ({ ...(r.id ? { id: r.id } : {}), chatId, seq: start + i, role: r.role, content: r.content, usage: r.usage ?? null, tokens: r.tokens ?? null })))
      .returning();
    await tx.update(chat).set({ updatedAt: new Date() }).where(eq(chat.id, chatId));
    return inserted;
  });
}

/** Stores counts for messages written without one (rows from before message.tokens, or by a writer that did not count). */
export async function setMessageTokens(db: Db, chatId: string, counts: { id: string; tokens: number }[]): Promise<void> {
  for (const { id, tokens } of counts) {
    await db.update(message).set({ tokens }).where(and(eq(message.id, id), eq(message.chatId, chatId)));
  }
}

/** Deletes a message and everything after it (edit-and-resend, retry). Returns how many were deleted. */
export async function truncateFrom(db: Db, projectId: string, chatId: string, messageId: string): Promise<number | undefined> {
  return db.transaction(async (tx) => {
    if (!(await getChat(tx, projectId, chatId))) return undefined;
    const [target] = await tx
      .select({ seq: message.seq })
      .from(message)
      .where(and(eq(message.id, messageId), eq(message.chatId, chatId)));
    if (!target) return undefined;
    const rows = await tx
      .delete(message)
      .where(and(eq(message.chatId, chatId), gte(message.seq, target.seq)))
      .returning({ id: message.id });
    return rows.length;
  });
}

export interface UsageTotals {
  promptTokens: number;
  completionTokens: number;
  turns: number;
}

export async function usageTotals(db: Db, chatId: string): Promise<UsageTotals> {
  const [row] = await db
    .select({
      promptTokens: sql<string>`coalesce(sum((${message.usage}->>'promptTokens')::bigint), 0)`,
      completionTokens: sql<string>`coalesce(sum((${message.usage}->>'completionTokens')::bigint), 0)`,
      turns: sql<string>`count(${message.usage})`,
    })
    .from(message)
    .where(eq(message.chatId, chatId));
  return { promptTokens: Number(row?.promptTokens ?? 0), completionTokens: Number(row?.completionTokens ?? 0), turns: Number(row?.turns ?? 0) };
}
