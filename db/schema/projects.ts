import { index, integer, jsonb, pgTable, primaryKey, text, uuid } from 'drizzle-orm/pg-core';
import { user } from './auth';
import { bytea, createdAt, projectRole, projectVisibility, updatedAt } from './columns';

/** Stored per project; absent keys take the defaults in lib/project-settings.ts. */
export interface ProjectSettings {
  network?: 'off' | 'allowlist' | 'full';
  approval?: 'auto' | 'ask' | 'read-only';
  sandbox?: 'auto' | 'webcontainer' | 'host';
}

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
    /** The shared tree a fork started from (its file list, stored once); project_file holds changes over it. */
    baseTreeId: uuid().references(() => tree.id),
    /** The highest version a file removed from this project had: a file made later starts past it (db/queries/tree.ts). */
    removedVersionFloor: integer().notNull().default(0),
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

/**
 * An immutable file list shared by projects (forks point at the tree they started from): stored once per
 * distinct list (`hash` of its entries), so 40 forks of an unchanged project share one.
 */
export const tree = pgTable('tree', {
  id: uuid().primaryKey().defaultRandom(),
  hash: text().notNull().unique(),
  /** Refreshed when a fork reuses the tree: the collector (db/queries/blob-gc.ts) spares recent ones. */
  createdAt: createdAt(),
});
export type Tree = typeof tree.$inferSelect;

export const treeFile = pgTable(
  'tree_file',
  {
    treeId: uuid()
      .notNull()
      .references(() => tree.id, { onDelete: 'cascade' }),
    path: text().notNull(),
    blobHash: text()
      .notNull()
      .references(() => blob.hash),
    size: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.treeId, t.path] }), index('tree_file_blob_idx').on(t.blobHash)],
);

/**
 * A project's own files over its base tree (db/queries/tree.ts merges the two): path → blob, with a version
 * per file for optimistic concurrency. A row with no blob is a tombstone: the base's file there is deleted.
 */
export const projectFile = pgTable(
  'project_file',
  {
    projectId: uuid()
      .notNull()
      .references(() => project.id, { onDelete: 'cascade' }),
    path: text().notNull(),
    blobHash: text().references(() => blob.hash),
    size: integer().notNull(),
    version: integer().notNull().default(1),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.projectId, t.path] }), index('project_file_blob_idx').on(t.blobHash)],
);
export type ProjectFile = typeof projectFile.$inferSelect;
