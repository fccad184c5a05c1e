import 'server-only';
import type { Db } from '@/db/client';
import { getProjectRole, type ProjectSummary } from '@/db/queries/projects';
import { workshopOfFork } from '@/db/queries/workshops';
import type { ProjectRole } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { studentCap } from '@/server/workshop/policy';

// The one access policy: which role a user holds on a project, and what each role may do. tRPC's
// projectProcedure (and with it the agent's chat.send), the sandbox WebSocket and the preview proxy ask
// this module; none of them decides on its own.
//
//   viewer: read files, chats and plans; see dev servers
//   editor: the above, plus write files, run commands, run the agent
//   owner:  the above, plus settings, members, deleting the project
//
// A student's fork in a workshop is capped (server/workshop/policy.ts): editor while it runs, viewer once
// it has ended. The teacher holds viewer through project_member.

const rank: Record<ProjectRole, number> = { viewer: 0, editor: 1, owner: 2 };

export interface ProjectAccess {
  project: ProjectSummary;
  role: ProjectRole;
  /** Set when a workshop lowered the role: why, for the refusal. */
  cappedBy?: string;
}

/** The caller's role on a project, or undefined when they hold none (or the project does not exist). */
export async function projectAccess(db: Db, projectId: string, userId: string): Promise<ProjectAccess | undefined> {
  const access = await getProjectRole(db, projectId, userId);
  // Only forks can be a student's workshop copy: other projects skip the lookup.
  if (!access || access.role === 'viewer' || !access.project.forkedFromId) return access;
  const found = await workshopOfFork(db, projectId);
  if (!found || found.student.userId !== userId) return access;
  const cap = studentCap(found.workshop);
  return rank[cap.role] < rank[access.role] ? { ...access, role: cap.role, cappedBy: cap.reason } : access;
}

/** Whether `role` is at least `minRole`. */
export function allows(role: ProjectRole, minRole: ProjectRole): boolean {
  return rank[role] >= rank[minRole];
}

/**
 * The caller's access, at least `minRole`, or an AppError: no role at all reads as "project not found"
 * (ids leak nothing), too low a role as forbidden.
 */
export async function requireAccess(db: Db, projectId: string, userId: string, minRole: ProjectRole): Promise<ProjectAccess> {
  const access = await projectAccess(db, projectId, userId);
  if (!access) throw new AppError('not_found:project');
  if (!allows(access.role, minRole)) {
    if (access.cappedBy) throw new AppError('forbidden:workshop', access.cappedBy);
    throw new AppError('forbidden:project', `This needs the ${minRole} role; you are a ${access.role}.`);
  }
  return access;
}
