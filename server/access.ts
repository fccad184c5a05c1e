import 'server-only';
import type { Db } from '@/db/client';
import { getAccessFacts, type AccessFacts } from '@/db/queries/access';
import { getProjectById, type ProjectSummary } from '@/db/queries/projects';
import { viewSandboxOwner } from '@/db/queries/sharing';
import { isViewSandboxId } from '@/server/share/sandbox-id';
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
// A share-link holder (someone who opened /s/<slug> while the link lives) is a viewer whose sandbox is
// their own (`sandboxId`): they run the project there, never in the owner's sandbox, and see only its
// previews. Revoking or rotating the link ends this at the next request.
// A student's fork in a workshop is capped (server/workshop/policy.ts): editor while it runs, viewer once
// it has ended. The teacher holds viewer through project_member.

const rank: Record<ProjectRole, number> = { viewer: 0, editor: 1, owner: 2 };

export interface ProjectAccess {
  project: ProjectSummary;
  role: ProjectRole;
  /** How the role is held: the owner, a member (invite), or a share link. */
  via: 'owner' | 'member' | 'share';
  /** The host sandbox this caller's sockets and previews use: the project's own, or a share holder's own. */
  sandboxId: string;
  /** Set when a workshop lowered the role: why, for the refusal. */
  cappedBy?: string;
}

/** The caller's role on a project, or undefined when they hold none (or the project does not exist). */
export async function projectAccess(db: Db, projectId: string, userId: string): Promise<ProjectAccess | undefined> {
  const facts = await getAccessFacts(db, projectId, userId);
  return facts && decideAccess(facts, userId);
}

/** The decision on facts read elsewhere (db/queries/access.ts; chat.send reads them with its turn). */
export function decideAccess(facts: AccessFacts, userId: string, now = new Date()): ProjectAccess | undefined {
  const { project } = facts;
  const held: ProjectRole | null = project.ownerId === userId ? 'owner' : facts.memberRole;
  if (held) return capForWorkshop(facts, userId, { project, role: held, via: held === 'owner' ? 'owner' : 'member', sandboxId: project.id }, now);
  return facts.shareSandboxId ? { project, role: 'viewer', via: 'share', sandboxId: facts.shareSandboxId } : undefined;
}

/** A student's own workshop fork is capped by the workshop's state (editor while it runs, viewer once ended). */
function capForWorkshop(facts: AccessFacts, userId: string, access: ProjectAccess, now: Date): ProjectAccess {
  // Only forks can be a student's workshop copy.
  if (access.role === 'viewer' || !access.project.forkedFromId) return access;
  const found = facts.workshop;
  if (!found || found.studentUserId !== userId) return access;
  const cap = studentCap(found, now);
  return rank[cap.role] < rank[access.role] ? { ...access, role: cap.role, cappedBy: cap.reason } : access;
}

/** Whether `role` is at least `minRole`. */
export function allows(role: ProjectRole, minRole: ProjectRole): boolean {
  return rank[role] >= rank[minRole];
}

/** What else a door asks beyond the role: `shareLinks: false` keeps share-link holders out (the agent's chats). */
export interface AccessOptions {
  shareLinks?: boolean;
}

/**
 * The caller's access, at least `minRole`, or an AppError: no role at all reads as "project not found"
 * (ids leak nothing), too low a role as forbidden.
 */
export async function requireAccess(db: Db, projectId: string, userId: string, minRole: ProjectRole, options: AccessOptions = {}): Promise<ProjectAccess> {
  return checkAccess(await projectAccess(db, projectId, userId), minRole, options);
}

/** requireAccess's verdict on an access already decided (decideAccess). */
export function checkAccess(access: ProjectAccess | undefined, minRole: ProjectRole, options: AccessOptions = {}): ProjectAccess {
  if (!access) throw new AppError('not_found:project');
  if (access.via === 'share' && options.shareLinks === false) {
    throw new AppError('forbidden:project', 'A share link shows the project, not its agent conversations.');
  }
  if (!allows(access.role, minRole)) {
    if (access.cappedBy) throw new AppError('forbidden:workshop', access.cappedBy);
    throw new AppError('forbidden:project', `This needs the ${minRole} role; you are a ${access.role}.`);
  }
  return access;
}

/**
 * Whether the user may see previews of host sandbox `sandboxId`: a project's own sandbox for its owner
 * and members (never for share-link holders), a share holder's own sandbox for that holder alone.
 */
export async function mayPreview(db: Db, sandboxId: string, userId: string): Promise<boolean> {
  if (isViewSandboxId(sandboxId)) return (await viewSandboxOwner(db, sandboxId))?.userId === userId;
  const access = await projectAccess(db, sandboxId, userId);
  return access !== undefined && access.via !== 'share';
}

/** The project a host sandbox runs: its own, or for a share holder's sandbox the shared one while the link lives. */
export async function sandboxProject(db: Db, sandboxId: string): Promise<ProjectSummary | undefined> {
  if (!isViewSandboxId(sandboxId)) return getProjectById(db, sandboxId);
  const owner = await viewSandboxOwner(db, sandboxId);
  return owner && getProjectById(db, owner.projectId);
}
