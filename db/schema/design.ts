import { integer, jsonb, pgTable, text, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { createdAt } from './columns';
import { blob, project } from './projects';

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
