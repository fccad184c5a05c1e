import 'server-only';
import { eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/queries/blobs';
import { projectColumns, type ProjectSummary } from '@/db/queries/projects';
import { project, type ProjectRole } from '@/db/schema';

// What the access policy (server/access.ts) decides on, read in one statement: the project, the
// caller's membership, a live share grant, and the workshop a fork belongs to. The decision itself is
// server/access.ts's; nothing here says who may do what.

/** The workshop whose student's copy the project is, and which student. */
export interface ForkWorkshop {
  title: string;
  endsAt: Date | null;
  endedAt: Date | null;
  studentUserId: string;
}

export interface AccessFacts {
  project: ProjectSummary;
  memberRole: ProjectRole | null;
  /** The caller's own sandbox when they hold a grant of a live share link. */
  shareSandboxId: string | null;
  workshop: ForkWorkshop | null;
}

// Written by hand: inside these subqueries drizzle would print the selected table's columns unqualified.
const outer = sql.identifier('project');

/** The columns of the facts for `userId`, selected from `project` (also used inside a turn's one statement). */
export function accessFactColumns(userId: string) {
  return {
    project: projectColumns,
    memberRole: sql<ProjectRole | null>`(select pm.role from project_member pm where pm.project_id = ${outer}.id and pm.user_id = ${userId})`,
    shareSandboxId: sql<string | null>`(select g.sandbox_id from share_grant g join share_link l on l.id = g.share_link_id
      where l.project_id = ${outer}.id and l.revoked_at is null and g.user_id = ${userId} limit 1)`,
    workshop: sql<{ title: string; endsAt: string | null; endedAt: string | null; studentUserId: string } | null>`(select json_build_object(
      'title', w.title, 'endsAt', w.ends_at, 'endedAt', w.ended_at, 'studentUserId', s.user_id)
      from workshop_student s join workshop w on w.id = s.workshop_id where s.fork_project_id = ${outer}.id)`,
  };
}

type FactRow = { project: ProjectSummary; memberRole: ProjectRole | null; shareSandboxId: string | null; workshop: { title: string; endsAt: string | null; endedAt: string | null; studentUserId: string } | null };

/** The row's facts with the workshop's times as dates (json_build_object gives them as text). */
export function toAccessFacts(row: FactRow): AccessFacts {
  const w = row.workshop;
  const date = (v: string | null) => (v === null ? null : new Date(v));
  return {
    project: row.project,
    memberRole: row.memberRole,
    shareSandboxId: row.shareSandboxId,
    workshop: w ? { title: w.title, endsAt: date(w.endsAt), endedAt: date(w.endedAt), studentUserId: w.studentUserId } : null,
  };
}

/** The facts about `userId` on a project; undefined when the project does not exist. */
export async function getAccessFacts(db: Tx, projectId: string, userId: string): Promise<AccessFacts | undefined> {
  const [row] = await db.select(accessFactColumns(userId)).from(project).where(eq(project.id, projectId));
  return row && toAccessFacts(row);
}
