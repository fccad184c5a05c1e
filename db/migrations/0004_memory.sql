CREATE TABLE "memory_decision" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"chat_id" uuid NOT NULL,
	"message_id" uuid NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "memory_record" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"chat_id" uuid NOT NULL,
	"version" integer NOT NULL,
	"summary" text NOT NULL,
	"through_message_id" uuid NOT NULL,
	"notice" text,
	"tokens_before" integer NOT NULL,
	"tokens_after" integer NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "memory_decision" ADD CONSTRAINT "memory_decision_chat_id_chat_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chat"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_decision" ADD CONSTRAINT "memory_decision_message_id_message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_record" ADD CONSTRAINT "memory_record_chat_id_chat_id_fk" FOREIGN KEY ("chat_id") REFERENCES "public"."chat"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memory_record" ADD CONSTRAINT "memory_record_through_message_id_message_id_fk" FOREIGN KEY ("through_message_id") REFERENCES "public"."message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memory_decision_chat_idx" ON "memory_decision" USING btree ("chat_id","created_at");--> statement-breakpoint
CREATE INDEX "memory_decision_message_idx" ON "memory_decision" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "memory_record_chat_version_idx" ON "memory_record" USING btree ("chat_id","version");--> statement-breakpoint
CREATE INDEX "memory_record_through_idx" ON "memory_record" USING btree ("through_message_id");