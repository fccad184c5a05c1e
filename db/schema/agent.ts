import { bigint, date, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { checkpointKind, createdAt, messageRole, updatedAt } from './columns';
import { blob, project } from './projects';

export interface PlanItem {
  title: string;
  status: 'pending' | 'in_progress' | 'done' | 'cancelled';
}

export const chat = pgTable(
  'chat',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    title: text().notNull().default('New chat'),
    /** The agent's task list (update_plan): steps with statuses. */
    plan: jsonb().$type<PlanItem[]>().notNull().default([]),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('chat_project_idx').on(t.projectId, t.updatedAt)],
);
export type Chat = typeof chat.$inferSelect;

export const message = pgTable(
  'message',
  {
    id: uuid().primaryKey().defaultRandom(),
    chatId: uuid()
      .notNull()
      .references(() => chat.id, { onDelete: 'cascade' }),
    /** Position in the conversation; unique per chat so appends cannot interleave. */
    seq: bigint({ mode: 'number' }).notNull(),
    role: messageRole().notNull(),
    /** Text and parts (images, tool calls, tool results) as the model API shapes them. */
    content: jsonb().$type<unknown>().notNull(),
    usage: jsonb().$type<{ promptTokens: number; completionTokens: number } | null>(),
    /** Prompt tokens of this message as sent (server/memory/count.ts countStored), counted once at insert; null → counted at the next turn. */
    tokens: integer(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('message_chat_seq_idx').on(t.chatId, t.seq)],
);
export type Message = typeof message.$inferSelect;

/** Model tokens used per identity and UTC day (the model budget, server/model/budget.ts). Kept when chats are deleted. */
export const modelUsage = pgTable(
  'model_usage',
  {
    userId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    /** The UTC day, YYYY-MM-DD. */
    day: date({ mode: 'string' }).notNull(),
    tokens: bigint({ mode: 'number' }).notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.userId, t.day] })],
);

/**
 * A chat's compactions (server/memory): the handoff note the model wrote and the last message it
 * covers; the prompt shows the messages after it. Versions count up per chat; the newest is in use.
 * Cutting the chat at or before that message (edit-and-resend) deletes the record with it.
 */
export const memoryRecord = pgTable(
  'memory_record',
  {
    id: uuid().primaryKey().defaultRandom(),
    chatId: uuid()
      .notNull()
      .references(() => chat.id, { onDelete: 'cascade' }),
    version: integer().notNull(),
    summary: text().notNull(),
    throughMessageId: uuid()
      .notNull()
      .references(() => message.id, { onDelete: 'cascade' }),
    /** Shown when the compaction also dropped turns it could not summarize. */
    notice: text(),
    tokensBefore: integer().notNull(),
    tokensAfter: integer().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('memory_record_chat_version_idx').on(t.chatId, t.version), index('memory_record_through_idx').on(t.throughMessageId)],
);
export type MemoryRecord = typeof memoryRecord.$inferSelect;

/** What the agent chose to remember (the remember tool): re-injected after every compaction. */
export const memoryDecision = pgTable(
  'memory_decision',
  {
    id: uuid().primaryKey().defaultRandom(),
    chatId: uuid()
      .notNull()
      .references(() => chat.id, { onDelete: 'cascade' }),
    /** The assistant message that made the call: cutting the chat before it removes the decision. */
    messageId: uuid()
      .notNull()
      .references(() => message.id, { onDelete: 'cascade' }),
    text: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [index('memory_decision_chat_idx').on(t.chatId, t.createdAt), index('memory_decision_message_idx').on(t.messageId)],
);
export type MemoryDecision = typeof memoryDecision.$inferSelect;

/**
 * A saved state of a project: its tree (checkpoint_file rows pointing at blobs, never contents), the
 * conversation position (chat and last message) and the memory position (that chat's newest
 * memory_record version then). Restoring one brings back both (db/queries/checkpoints.ts).
 */
export const checkpoint = pgTable(
  'checkpoint',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    parentId: uuid(),
    kind: checkpointKind().notNull().default('manual'),
    message: text().notNull(),
    chatId: uuid().references(() => chat.id, { onDelete: 'set null' }),
    /** The conversation's last message when the checkpoint was taken; null: the chat was empty. */
    messageId: uuid().references(() => message.id, { onDelete: 'set null' }),
    memoryVersion: integer(),
    fileCount: integer().notNull().default(0),
    createdById: uuid().references(() => user.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
  },
  (t) => [index('checkpoint_project_idx').on(t.projectId, t.createdAt)],
);
export type Checkpoint = typeof checkpoint.$inferSelect;

/** One file of a checkpoint's tree: a path and the blob it held (copy-on-write: rows, not contents). */
export const checkpointFile = pgTable(
  'checkpoint_file',
  {
    checkpointId: uuid()
      .notNull()
      .references(() => checkpoint.id, { onDelete: 'cascade' }),
    path: text().notNull(),
    blobHash: text()
      .notNull()
      .references(() => blob.hash),
    size: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.checkpointId, t.path] }), index('checkpoint_file_blob_idx').on(t.blobHash)],
);
