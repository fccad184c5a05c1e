
import {
  bigint,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
});

const createdAt = () => timestamp({ withTimezone: true }).notNull().defaultNow();
const updatedAt = () =>
  timestamp({ withTimezone: true })
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date());

/** An anonymous identity, created on first visit; no sign-up. */
export const user = pgTable('user', {
  id: uuid().primaryKey().defaultRandom(),
  displayName: text(),
  createdAt: createdAt(),
  lastSeenAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
export type User = typeof user.$inferSelect;

/** A secret link that restores an identity on another device. Only the hash is stored. */
export const accessLink = pgTable(
  'access_link',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp({ withTimezone: true }),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('access_link_token_hash_idx').on(t.tokenHash), index('access_link_user_idx').on(t.userId)],
);
export type AccessLink = typeof accessLink.$inferSelect;

/**
 * A browser signed in as a user; the identity cookie names it. Ending one (revoking the access link that
 * made it, "sign out other browsers", switching identity) signs that browser out at its next request.
 */
export const session = pgTable(
  'session',
  {
    id: uuid().primaryKey().defaultRandom(),
    userId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    /** The access link this browser was signed in with; null for the identity first made here. */
    accessLinkId: uuid().references(() => accessLink.id, { onDelete: 'cascade' }),
    createdAt: createdAt(),
    expiresAt: timestamp({ withTimezone: true }).notNull(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [index('session_user_idx').on(t.userId), index('session_access_link_idx').on(t.accessLinkId)],
);
export type Session = typeof session.$inferSelect;

export const projectVisibility = pgEnum('project_visibility', ['private', 'link', 'public']);
/** Stored per project; absent keys take the defaults in lib/project-settings.ts. */
export interface ProjectSettings {
  network?: 'off' | 'allowlist' | 'full';
  approval?: 'auto' | 'ask' | 'read-only';
  sandbox?: 'auto' | 'webcontainer' | 'host';
}

export interface PlanItem {
  title: string;
  status: 'pending' | 'in_progress' | 'done' | 'cancelled';
}

export const projectRole = pgEnum('project_role', ['owner', 'editor', 'viewer']);
export type ProjectRole = (typeof projectRole.enumValues)[number];

export const project = pgTable(
  'project',
  {
    id: uuid().primaryKey().defaultRandom(),
    ownerId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    title: text().notNull(),
    template: text(),
    visibility: projectVisibility().notNull().default('private'),
    /** Set on forks; the source may since have been deleted. */
    forkedFromId: uuid(),
    /** Per-project settings (sandbox network policy, agent approval policy, sandbox choice); see ProjectSettings. */
    settings: jsonb().$type<ProjectSettings>().notNull().default({}),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('project_owner_idx').on(t.ownerId, t.updatedAt)],
);
export type Project = typeof project.$inferSelect;

/** Roles other than the owner's (editors, viewers); the owner is project.ownerId. */
export const projectMember = pgTable(
  'project_member',
  {
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    role: projectRole().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.userId] }), index('project_member_user_idx').on(t.userId)],
);
export type ProjectMember = typeof projectMember.$inferSelect;

/** Content-addressed file contents (sha256 hex), shared by every project and checkpoint. */
export const blob = pgTable('blob', {
  hash: text().primaryKey(),
  size: integer().notNull(),
  content: bytea().notNull(),
  createdAt: createdAt(),
});
export type Blob = typeof blob.$inferSelect;

/** The current tree of a project: path → blob, with a version per file for optimistic concurrency. */
export const projectFile = pgTable(
  'project_file',
  {
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    path: text().notNull(),
    blobHash: text()
      .notNull()
      .references(() => blob.hash),
    size: integer().notNull(),
    version: integer().notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.path] }), index('project_file_blob_idx').on(t.blobHash)],
);
export type ProjectFile = typeof projectFile.$inferSelect;

export const checkpointKind = pgEnum('checkpoint_kind', ['turn_start', 'turn_end', 'manual', 'restore']);

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

export const messageRole = pgEnum('message_role', ['system', 'user', 'assistant', 'tool']);

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
 * A read-only share link (/s/<slug>) of a project. The slug (≥128 random bits) is kept, not hashed: the
 * owner copies it again later, and whoever reads this table reads every file anyway. Rotating revokes
 * the row and makes a new one; a revoked link and every grant through it stop at once.
 */
export const shareLink = pgTable(
  'share_link',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    slug: text().notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('share_link_slug_idx').on(t.slug), index('share_link_project_idx').on(t.projectId)],
);

/** An identity that opened a share link: a viewer while the link lives, with a sandbox of its own. */
export const shareGrant = pgTable(
  'share_grant',
  {
    shareLinkId: uuid()
      .notNull()
      .references(() => shareLink.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    /** The id of this viewer's own host sandbox (server/access.ts viewSandboxId), never the project's. */
    sandboxId: uuid().notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.shareLinkId, t.userId] }), index('share_grant_user_idx').on(t.userId), uniqueIndex('share_grant_sandbox_idx').on(t.sandboxId)],
);

/** An invite link (/i/<token>) that makes whoever accepts it a member with `role`; only the hash is stored. */
export const projectInvite = pgTable(
  'project_invite',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    tokenHash: text().notNull(),
    role: projectRole().notNull(),
    createdAt: createdAt(),
    revokedAt: timestamp({ withTimezone: true }),
  },
  (t) => [uniqueIndex('project_invite_token_hash_idx').on(t.tokenHash), index('project_invite_project_idx').on(t.projectId)],
);
/** What a teacher chose for a workshop; forced on every student's fork (lib/workshop.ts validates it). */
export interface WorkshopSettings {
  /** Whether students may use the agent at all. */
  agent: boolean;
  /** Model tokens one student may use per UTC day (replaces MODEL_DAILY_TOKENS for them). */
  dailyTokens: number;
  /** The agent approval policy on students' projects. */
  approval: 'auto' | 'ask' | 'read-only';
  /** The host sandbox's network policy on students' projects. */
  network: 'off' | 'allowlist' | 'full';
}

/** A class run from a starter project: students join by code and each gets a fork (server/workshop). */
export const workshop = pgTable(
  'workshop',
  {
    id: uuid().primaryKey().defaultRandom(),
    teacherId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    starterProjectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    title: text().notNull(),
    /** 6 characters without look-alikes (server/workshop/code.ts). */
    code: text().notNull(),
    settings: jsonb().$type<WorkshopSettings>().notNull(),
    announcement: text(),
    announcedAt: timestamp({ withTimezone: true }),
    /** Past this instant the workshop counts as ended. */
    endsAt: timestamp({ withTimezone: true }),
    /** Set when the teacher ends it. */
    endedAt: timestamp({ withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('workshop_code_idx').on(t.code), index('workshop_teacher_idx').on(t.teacherId)],
);
export type Workshop = typeof workshop.$inferSelect;

export const testRunner = pgEnum('test_runner', ['student', 'agent']);

/** A student of a workshop: their fork and their progress as the dashboard shows it. */
export const workshopStudent = pgTable(
  'workshop_student',
  {
    workshopId: uuid()
      .notNull()
      .references(() => workshop.id, { onDelete: 'cascade' }),
    userId: uuid()
      .notNull()
      .references(() => user.id, { onDelete: 'cascade' }),
    displayName: text().notNull(),
    forkProjectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    joinedAt: createdAt(),
    lastActivityAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
    /** The last test run seen (terminal or the agent's command tool): counts and who ran it. */
    testPassed: integer(),
    testFailed: integer(),
    testRanBy: testRunner(),
    testAt: timestamp({ withTimezone: true }),
    tokensUsed: bigint({ mode: 'number' }).notNull().default(0),
    agentTurns: integer().notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.workshopId, t.userId] }), uniqueIndex('workshop_student_fork_idx').on(t.forkProjectId)],
);
export type WorkshopStudent = typeof workshopStudent.$inferSelect;

/** A project started from a design screenshot ("New from design"): the design and the loop's settings. */
export const projectDesign = pgTable('project_design', {
  projectId: uuid()
    .primaryKey()
    .references(() => project.id, { onDelete: 'cascade' }),
  /** The design as PNG. */
  designHash: text()
    .notNull()
    .references(() => blob.hash),
  width: integer().notNull(),
  height: integer().notNull(),
  createdAt: createdAt(),
});
export type ProjectDesign = typeof projectDesign.$inferSelect;

/** One round of the design loop: the preview's capture, its diff against the design, and the score. */
export const designRound = pgTable(
  'design_round',
  {
    id: uuid().primaryKey().defaultRandom(),
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    round: integer().notNull(),
    captureHash: text()
      .notNull()
      .references(() => blob.hash),
    diffHash: text()
      .notNull()
      .references(() => blob.hash),
    /** 0–100, one decimal, as server/design/score.ts gives it, with its parts. */
    score: jsonb().$type<{ score: number; parts: { structure: number; pixels: number; colour: number; layout: number } }>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('design_round_project_round_idx').on(t.projectId, t.round)],
);
export type DesignRound = typeof designRound.$inferSelect;
