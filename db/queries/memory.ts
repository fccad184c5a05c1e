import 'server-only';
import { and, asc, count, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import type { Tx } from '@/db/queries/blobs';
import { getChat } from '@/db/queries/chats';
import { liveTreeSql } from '@/db/queries/tree';
import { blob, chat, memoryDecision, memoryRecord, message, type Chat, type MemoryRecord } from '@/db/schema';
import { serverToolArgSchemas } from '@/lib/agent/tool-schemas';
import type { MemoryState } from '@/server/memory/types';

// A chat's memory: its compactions (versioned handoff notes with the position they cover) and the
// decisions the agent recorded with the remember tool. Scoped by project like every chat query.

/** At most this many decisions per chat; the tool says so when the list is full. */
export const MAX_DECISIONS = 60;

const recordInput = z.object({
  version: z.number().int().min(1),
  summary: z.string().min(1).max(20_000),
  throughMessageId: z.uuid(),
  notice: z.string().max(2_000).nullable(),
  tokensBefore: z.number().int().min(0),
  tokensAfter: z.number().int().min(0),
});
export type CompactionInput = z.input<typeof recordInput>;

export async function latestMemory(db: Tx, projectId: string, chatId: string): Promise<MemoryRecord | undefined> {
  const [row] = await db
    .select({ record: memoryRecord })
    .from(memoryRecord)
    .innerJoin(chat, eq(chat.id, memoryRecord.chatId))
    .where(and(eq(memoryRecord.chatId, chatId), eq(chat.projectId, projectId)))
    .orderBy(desc(memoryRecord.version))
    .limit(1);
  return row?.record;
}

export type StoreResult = { status: 'stored'; record: MemoryRecord } | { status: 'stale' } | { status: 'not_found' };

const isUniqueViolation = (e: unknown): boolean => {
  for (let x: unknown = e; x && typeof x === 'object'; x = (x as { cause?: unknown }).cause) {
    if ((x as { code?: unknown }).code === '23505') return true;
  }
  return false;
};

/**
 * Stores a compaction in one transaction: the chat is in the project, the covered message is in the
 * chat, and the newest version is still the one the compaction started from (else 'stale': another
 * compaction won; the caller drops its own). The unique (chat, version) index settles races.
 */
export async function storeCompaction(db: Db, projectId: string, chatId: string, input: CompactionInput): Promise<StoreResult> {
  const record = recordInput.parse(input);
  try {
    return await db.transaction(async (tx): Promise<StoreResult> => {
      if (!(await getChat(tx, projectId, chatId))) return { status: 'not_found' };
      const [covered] = await tx
        .select({ id: message.id })
        .from(message)
        .where(and(eq(message.id, record.throughMessageId), eq(message.chatId, chatId)));
      if (!covered) return { status: 'not_found' };
      const latest = await latestMemory(tx, projectId, chatId);
      if ((latest?.version ?? 0) !== record.version - 1) return { status: 'stale' };
      const [row] = await tx.insert(memoryRecord).values({ chatId, ...record }).returning();
      return { status: 'stored', record: row! };
    });
  } catch (error) {
    if (isUniqueViolation(error)) return { status: 'stale' };
    throw error;
  }
}

export type RememberResult = 'stored' | 'full' | 'not_found';

/** The remember tool: one decision, from the assistant message that called it. */
export async function addDecision(db: Db, projectId: string, chatId: string, messageId: string, args: unknown): Promise<RememberResult> {
  const { text } = serverToolArgSchemas.remember.parse(args);
  return db.transaction(async (tx) => {
    if (!(await getChat(tx, projectId, chatId))) return 'not_found';
    const [from] = await tx
      .select({ id: message.id })
      .from(message)
      .where(and(eq(message.id, messageId), eq(message.chatId, chatId)));
    if (!from) return 'not_found';
    const [n] = await tx.select({ n: count() }).from(memoryDecision).where(eq(memoryDecision.chatId, chatId));
    if ((n?.n ?? 0) >= MAX_DECISIONS) return 'full';
    await tx.insert(memoryDecision).values({ chatId, messageId, text });
    return 'stored';
  });
}

/** The decisions' texts, oldest first. */
export async function listDecisions(db: Tx, projectId: string, chatId: string): Promise<string[]> {
  const rows = await db
    .select({ text: memoryDecision.text })
    .from(memoryDecision)
    .innerJoin(chat, eq(chat.id, memoryDecision.chatId))
    .where(and(eq(memoryDecision.chatId, chatId), eq(chat.projectId, projectId)))
    .orderBy(asc(memoryDecision.createdAt), asc(memoryDecision.id));
  return rows.map((r) => r.text);
}

/** The pinned notes: the project's AGENTS.md (an ordinary file, edited like any other). */
export const NOTES_PATH = 'AGENTS.md';
/** Only the start of a large AGENTS.md is read; the prompt budget cuts it further. */
export const NOTES_MAX_BYTES = 32 * 1024;

export interface ChatMemory {
  memory: MemoryState | null;
  decisions: string[];
  notes: string | null;
}

// Qualified by hand: drizzle writes a column of the only table selected from without its table name,
// which inside the subqueries below would name the subquery's own column.
const outerChat = sql.identifier('chat');

/** The chat's memory besides its messages, as columns of a select from `chat` (here and in a turn's one statement). */
export const chatMemoryColumns = {
  memory: sql<MemoryState | null>`(select json_build_object('version', r.version, 'summary', r.summary, 'throughMessageId', r.through_message_id, 'notice', r.notice)
    from ${memoryRecord} r where r.chat_id = ${outerChat}.id order by r.version desc limit 1)`,
  decisions: sql<string[]>`coalesce((select json_agg(d.text order by d.created_at, d.id) from ${memoryDecision} d where d.chat_id = ${outerChat}.id), '[]'::json)`,
  notes: sql<Uint8Array | null>`(select substring(b.content from 1 for ${NOTES_MAX_BYTES})
    from ${liveTreeSql(sql`${outerChat}.project_id`)} f join ${blob} b on b.hash = f.blob_hash where f.path = ${NOTES_PATH})`,
};

/** ChatMemory from chatMemoryColumns' values. */
export function toChatMemory(row: { memory: MemoryState | null; decisions: string[]; notes: Uint8Array | null }): ChatMemory {
  const notes = row.notes ? new TextDecoder('utf-8', { fatal: false }).decode(row.notes) : null;
  return { memory: row.memory, decisions: row.decisions, notes };
}

/**
 * A chat of the project with what server/memory needs besides its messages: the newest record, the
 * decisions (oldest first) and the start of AGENTS.md. One query.
 */
export async function getChatWithMemory(db: Tx, projectId: string, chatId: string): Promise<{ chat: Chat; memory: ChatMemory } | undefined> {
  const [row] = await db
    .select({ chat, ...chatMemoryColumns })
    .from(chat)
    .where(and(eq(chat.id, chatId), eq(chat.projectId, projectId)));
  return row && { chat: row.chat, memory: toChatMemory(row) };
}

/** The chat's memory (empty for a chat not in the project). */
export async function loadChatMemory(db: Db, projectId: string, chatId: string): Promise<ChatMemory> {
  return (await getChatWithMemory(db, projectId, chatId))?.memory ?? { memory: null, decisions: [], notes: null };
}

export interface CompactionNotice {
  version: number;
  tokensBefore: number;
  tokensAfter: number;
  notice: string | null;
  createdAt: Date;
}

/** Every compaction of a chat, oldest first: the notices the message list shows after a reload. */
export async function listCompactions(db: Tx, projectId: string, chatId: string): Promise<CompactionNotice[]> {
  return db
    .select({
      version: memoryRecord.version,
      tokensBefore: memoryRecord.tokensBefore,
      tokensAfter: memoryRecord.tokensAfter,
      notice: memoryRecord.notice,
      createdAt: memoryRecord.createdAt,
    })
    .from(memoryRecord)
    .innerJoin(chat, eq(chat.id, memoryRecord.chatId))
    .where(and(eq(memoryRecord.chatId, chatId), eq(chat.projectId, projectId)))
    .orderBy(asc(memoryRecord.version));
}
