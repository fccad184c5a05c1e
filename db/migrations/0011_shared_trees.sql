CREATE TABLE "tree" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "tree_hash_unique" UNIQUE("hash")
);
--> statement-breakpoint
CREATE TABLE "tree_file" (
	"tree_id" uuid NOT NULL,
	"path" text NOT NULL,
	"blob_hash" text NOT NULL,
	"size" integer NOT NULL,
	CONSTRAINT "tree_file_tree_id_path_pk" PRIMARY KEY("tree_id","path")
);
--> statement-breakpoint
ALTER TABLE "project_file" ALTER COLUMN "blob_hash" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "project" ADD COLUMN "base_tree_id" uuid;--> statement-breakpoint
ALTER TABLE "tree_file" ADD CONSTRAINT "tree_file_tree_id_tree_id_fk" FOREIGN KEY ("tree_id") REFERENCES "public"."tree"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tree_file" ADD CONSTRAINT "tree_file_blob_hash_blob_hash_fk" FOREIGN KEY ("blob_hash") REFERENCES "public"."blob"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "tree_file_blob_idx" ON "tree_file" USING btree ("blob_hash");--> statement-breakpoint
ALTER TABLE "project" ADD CONSTRAINT "project_base_tree_id_tree_id_fk" FOREIGN KEY ("base_tree_id") REFERENCES "public"."tree"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
-- Data: a fork made before shared trees holds a copy of its source's file list: rows at version 1 changed
-- when the fork was made (its untouched files). Those rows become the fork's base tree (read back exactly
-- so: version 1, changed when the project was made), shared by every fork whose untouched files are the same
-- list; the hash is db/queries/tree.ts's treeHash.
INSERT INTO "tree" ("hash")
SELECT DISTINCT encode(sha256(convert_to(string_agg(f."size" || ' ' || f."blob_hash" || ' ' || f."path", E'\n' ORDER BY f."path"), 'UTF8')), 'hex')
FROM "project_file" f JOIN "project" p ON p."id" = f."project_id"
WHERE p."forked_from_id" IS NOT NULL AND f."version" = 1 AND f."updated_at" = p."created_at" AND f."blob_hash" IS NOT NULL
GROUP BY f."project_id"
ON CONFLICT DO NOTHING;--> statement-breakpoint
UPDATE "project" SET "base_tree_id" = t."id"
FROM (
  SELECT f."project_id", encode(sha256(convert_to(string_agg(f."size" || ' ' || f."blob_hash" || ' ' || f."path", E'\n' ORDER BY f."path"), 'UTF8')), 'hex') AS "hash"
  FROM "project_file" f JOIN "project" p ON p."id" = f."project_id"
  WHERE p."forked_from_id" IS NOT NULL AND f."version" = 1 AND f."updated_at" = p."created_at" AND f."blob_hash" IS NOT NULL
  GROUP BY f."project_id"
) h JOIN "tree" t ON t."hash" = h."hash"
WHERE "project"."id" = h."project_id";--> statement-breakpoint
INSERT INTO "tree_file" ("tree_id", "path", "blob_hash", "size")
SELECT r."base_tree_id", f."path", f."blob_hash", f."size"
FROM (SELECT DISTINCT ON ("base_tree_id") "id", "base_tree_id", "created_at" FROM "project" WHERE "base_tree_id" IS NOT NULL ORDER BY "base_tree_id", "id") r
JOIN "project_file" f ON f."project_id" = r."id" AND f."version" = 1 AND f."updated_at" = r."created_at"
ON CONFLICT DO NOTHING;--> statement-breakpoint
DELETE FROM "project_file" f USING "project" p
WHERE p."id" = f."project_id" AND p."base_tree_id" IS NOT NULL AND f."version" = 1 AND f."updated_at" = p."created_at";
