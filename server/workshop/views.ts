import 'server-only';
import type { Db } from '@/db/client';
import { dashboardRows, workshopOfFork, type DashboardRow } from '@/db/queries/workshops';
import type { Workshop } from '@/db/schema';
import { isEnded } from '@/server/workshop/policy';

// What the teacher's dashboard and a student's workbench show of a workshop.

export interface Dashboard {
  workshop: { id: string; title: string; code: string; settings: Workshop['settings']; announcement: string | null; endsAt: Date | null; ended: boolean };
  students: DashboardRow[];
}

export async function dashboardOf(db: Db, w: Workshop): Promise<Dashboard> {
  return {
    workshop: { id: w.id, title: w.title, code: w.code, settings: w.settings, announcement: w.announcement, endsAt: w.endsAt, ended: isEnded(w) },
    students: await dashboardRows(db, w),
  };
}

/** The workshop banner of a project: null unless it is a student's fork. */
export interface StudentView {
  workshopId: string;
  title: string;
  announcement: string | null;
  announcedAt: Date | null;
  ended: boolean;
  agent: boolean;
}

export async function studentViewOf(db: Db, projectId: string): Promise<StudentView | null> {
  const found = await workshopOfFork(db, projectId);
  if (!found) return null;
  const w = found.workshop;
  return { workshopId: w.id, title: w.title, announcement: w.announcement, announcedAt: w.announcedAt, ended: isEnded(w), agent: w.settings.agent };
}
