CREATE TABLE "design_round" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"project_id" uuid NOT NULL,
	"round" integer NOT NULL,
	"capture_hash" text NOT NULL,
	"diff_hash" text NOT NULL,
	"score" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "project_design" (
	"project_id" uuid PRIMARY KEY NOT NULL,
	"design_hash" text NOT NULL,
	"width" integer NOT NULL,
	"height" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "design_round" ADD CONSTRAINT "design_round_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "design_round" ADD CONSTRAINT "design_round_capture_hash_blob_hash_fk" FOREIGN KEY ("capture_hash") REFERENCES "public"."blob"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "design_round" ADD CONSTRAINT "design_round_diff_hash_blob_hash_fk" FOREIGN KEY ("diff_hash") REFERENCES "public"."blob"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_design" ADD CONSTRAINT "project_design_project_id_project_id_fk" FOREIGN KEY ("project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "project_design" ADD CONSTRAINT "project_design_design_hash_blob_hash_fk" FOREIGN KEY ("design_hash") REFERENCES "public"."blob"("hash") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "design_round_project_round_idx" ON "design_round" USING btree ("project_id","round");