import { bigint, index, integer, jsonb, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { createdAt, testRunner } from './columns';
import { project } from './projects';

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
