CREATE TYPE "public"."test_runner" AS ENUM('student', 'agent');--> statement-breakpoint
CREATE TABLE "workshop" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"teacher_id" uuid NOT NULL,
	"starter_project_id" uuid NOT NULL,
	"title" text NOT NULL,
	"code" text NOT NULL,
	"settings" jsonb NOT NULL,
	"announcement" text,
	"announced_at" timestamp with time zone,
	"ends_at" timestamp with time zone,
	"ended_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "workshop_student" (
	"workshop_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"display_name" text NOT NULL,
	"fork_project_id" uuid NOT NULL,
	"joined_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_activity_at" timestamp with time zone DEFAULT now() NOT NULL,
	"test_passed" integer,
	"test_failed" integer,
	"test_ran_by" "test_runner",
	"test_at" timestamp with time zone,
	"tokens_used" bigint DEFAULT 0 NOT NULL,
	"agent_turns" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "workshop_student_workshop_id_user_id_pk" PRIMARY KEY("workshop_id","user_id")
);
--> statement-breakpoint
ALTER TABLE "workshop" ADD CONSTRAINT "workshop_teacher_id_user_id_fk" FOREIGN KEY ("teacher_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop" ADD CONSTRAINT "workshop_starter_project_id_project_id_fk" FOREIGN KEY ("starter_project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_student" ADD CONSTRAINT "workshop_student_workshop_id_workshop_id_fk" FOREIGN KEY ("workshop_id") REFERENCES "public"."workshop"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_student" ADD CONSTRAINT "workshop_student_user_id_user_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."user"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "workshop_student" ADD CONSTRAINT "workshop_student_fork_project_id_project_id_fk" FOREIGN KEY ("fork_project_id") REFERENCES "public"."project"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "workshop_code_idx" ON "workshop" USING btree ("code");--> statement-breakpoint
CREATE INDEX "workshop_teacher_idx" ON "workshop" USING btree ("teacher_id");--> statement-breakpoint
CREATE UNIQUE INDEX "workshop_student_fork_idx" ON "workshop_student" USING btree ("fork_project_id");