import 'server-only';
import type { Db } from '@/db/client';
import { workshopOfFork } from '@/db/queries/workshops';
import { env } from '@/lib/env';
import type { Budget } from '@/server/model/budget';

/**
 * A student's budget on their fork: the workshop's tokens per student per day, the identity's own turn
 * rate, a rate all the workshop's students share, and "off" when the teacher turned the agent off.
 * undefined for anyone else (the teacher looking on, other projects).
 */
export async function workshopBudget(db: Db, user: { id: string }, project: { id: string; forkedFromId: string | null }, base: Budget): Promise<Budget | undefined> {
  if (!project.forkedFromId) return undefined;
  const found = await workshopOfFork(db, project.id);
  if (!found || found.student.userId !== user.id) return undefined;
  const w = found.workshop;
  return {
    dailyTokens: w.settings.dailyTokens,
    turnsPerMinute: base.turnsPerMinute,
    group: { key: `workshop:${w.id}`, turnsPerMinute: env.WORKSHOP_TURNS_PER_MINUTE },
    off: w.settings.agent ? undefined : `The teacher has turned the agent off for the workshop "${w.title}".`,
    owner: `for the workshop "${w.title}"`,
    workshopId: w.id,
  };
}
