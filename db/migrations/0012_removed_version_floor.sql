ALTER TABLE "project" ADD COLUMN "removed_version_floor" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
-- Deletion markers written before this migration said version 0; a base file reads as version 1, so a file made
-- again over one of them must start past 1 (db/queries/tree.ts).
UPDATE "project_file" SET "version" = 1 WHERE "blob_hash" IS NULL AND "version" < 1;
