import 'server-only';
import type { Db } from '@/db/client';
import { getProjectRole, type ProjectSummary } from '@/db/queries/projects';
import type { ProjectRole } from '@/db/schema';
import { AppError } from '@/lib/errors';

// The one access policy: which role a user holds on a project, and what each role may do. tRPC's
// projectProcedure (and with it the agent's chat.send), the sandbox WebSocket and the preview proxy ask
// this module; none of them decides on its own.
//
//   viewer: read files, chats and plans; see dev servers
//   editor: the above, plus write files, run commands, run the agent
//   owner:  the above, plus settings, members, deleting the project

const rank: Record<ProjectRole, number> = { viewer: 0, editor: 1, owner: 2 };

export interface ProjectAccess {
  project: ProjectSummary;
  role: ProjectRole;
}

/** The caller's role on a project, or undefined when they hold none (or the project does not exist). */
export function projectAccess(db: Db, projectId: string, userId: string): Promise<ProjectAccess | undefined> {
  return getProjectRole(db, projectId, userId);
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
    throw new AppError('forbidden:project', `This needs the ${minRole} role; you are a ${access.role}.`);
  }
  return access;
}
