import { index, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';

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
