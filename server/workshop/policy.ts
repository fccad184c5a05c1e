import 'server-only';
import type { ProjectRole, Workshop } from '@/db/schema';

// What a workshop changes in the access policy (server/access.ts asks this): on their fork a student is at
// most an editor (the teacher's settings — approval, network — stay forced), and once the workshop has ended
// at most a viewer, so every write (tRPC, the sandbox socket, the agent) is refused and nothing saved is lost.

export function isEnded(w: Pick<Workshop, 'endedAt' | 'endsAt'>, now = new Date()): boolean {
  return w.endedAt !== null || (w.endsAt !== null && w.endsAt.getTime() <= now.getTime());
}

export interface WorkshopCap {
  role: ProjectRole;
  /** Why the role is capped, shown when something needs more. */
  reason: string;
}

/** The highest role a student holds on their fork in this workshop. */
export function studentCap(w: Pick<Workshop, 'endedAt' | 'endsAt' | 'title'>, now = new Date()): WorkshopCap {
  if (isEnded(w, now)) {
    return { role: 'viewer', reason: `The workshop "${w.title}" has ended: this project is read-only. Everything you saved is kept.` };
  }
  return { role: 'editor', reason: `This project belongs to the workshop "${w.title}": its settings are the teacher's.` };
}
