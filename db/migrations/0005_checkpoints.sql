CREATE TYPE "public"."checkpoint_kind" AS ENUM('turn_start', 'turn_end', 'manual', 'restore');--> statement-breakpoint
CREATE TABLE "checkpoint_file" (
	"checkpoint_id" uuid NOT NULL,
	"path" text NOT NULL,
	"blob_hash" text NOT NULL,
	"size" integer NOT NULL,
	CONSTRAINT "checkpoint_file_checkpoint_id_path_pk" PRIMARY KEY("checkpoint_id","path")
);
--> statement-breakpoint
ALTER TABLE "checkpoint" ALTER COLUMN "tree" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD COLUMN "kind" "checkpoint_kind" DEFAULT 'manual' NOT NULL;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD COLUMN "chat_id" uuid;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD COLUMN "message_id" uuid;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD COLUMN "memory_version" integer;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD COLUMN "file_count" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "checkpoint_file" ADD CONSTRAINT "checkpoint_file_checkpoint_id_checkpoint_id_fk" FOREIGN KEY ("checkpoint_id") REFERENCES "public"."checkpoint"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoint_file" ADD CONSTRAINT "checkpoint_file_blob_hash_blob_hash_fk" FOREIGN KEY ("blob_hash") REFERENCES "public"."blob"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "checkpoint_file_blob_idx" ON "checkpoint_file" USING btree ("blob_hash");--> statement-breakpoint
ALTER TABLE "checkpoint" ADD CONSTRAINT "checkpoint_chat_id_chat_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chat"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "checkpoint" ADD CONSTRAINT "checkpoint_message_id_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."message"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "project_file_blob_idx" ON "project_file" USING btree ("blob_hash");