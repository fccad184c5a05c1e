import { index, pgTable, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { createdAt, projectRole } from './columns';
import { project } from './projects';

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
