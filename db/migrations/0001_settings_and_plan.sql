ALTER TABLE "chat" ADD COLUMN "plan" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "project" ADD COLUMN "settings" jsonb DEFAULT '{}'::jsonb NOT NULL;