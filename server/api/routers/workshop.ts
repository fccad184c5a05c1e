import 'server-only';
import { z } from 'zod';
import { getWorkshop, getWorkshopByCode, updateWorkshop, workshopsOfStarter } from '@/db/queries/workshops';
import type { Workshop } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { announcementSchema, createWorkshopInput, displayNameSchema, joinCodeSchema } from '@/lib/workshop';
import { authedProcedure, projectProcedure, router } from '@/server/api/trpc';
import { dashboardCsv } from '@/server/workshop/csv';
import { watchWorkshop, workshopChanged } from '@/server/workshop/events';
import { isEnded } from '@/server/workshop/policy';
import { pushStarter } from '@/server/workshop/push-starter';
import { createWorkshop, joinWorkshop, requireTeacher } from '@/server/workshop/service';
import { dashboardOf, studentViewOf } from '@/server/workshop/views';

// Workshops (issue 16): the teacher starts one from a project they own, students join by code and get a
// fork each (server/workshop). Teacher-only procedures answer "not found" to anyone else; a student's fork
// is reached through projectProcedure and server/access.ts like any project.

const workshopInput = z.object({ workshopId: z.uuid() });
/** The dashboard re-reads at least this often; a student's banner a little less often. */
const DASHBOARD_MS = 1000;
const STUDENT_MS = 2000;

/** Teacher-only procedures: the workshop's teacher gets it in ctx; anyone else is told it does not exist. */
const teacherProcedure = authedProcedure.input(workshopInput).use(async ({ ctx, input, next }) => {
  const workshop = await requireTeacher(ctx.db, input.workshopId, ctx.user.id);
  return next({ ctx: { ...ctx, workshop } });
});

function requireRunning(w: Workshop): Workshop {
  if (isEnded(w)) throw new AppError('conflict:workshop', `The workshop "${w.title}" has ended.`);
  return w;
}

export const workshopRouter = router({
  create: authedProcedure.input(createWorkshopInput).mutation(async ({ ctx, input }) => {
    const w = await createWorkshop(ctx.db, ctx.user, input);
    return { id: w.id, code: w.code };
  }),

  /** What the join page shows before the name is typed: the title, and whether it still takes students. */
  preview: authedProcedure.input(z.object({ code: joinCodeSchema })).query(async ({ ctx, input }) => {
    const w = await getWorkshopByCode(ctx.db, input.code);
    if (!w) throw new AppError('not_found:workshop');
    return { title: w.title, ended: isEnded(w) };
  }),

  join: authedProcedure
    .input(z.object({ code: joinCodeSchema, displayName: displayNameSchema }))
    .mutation(({ ctx, input }) => joinWorkshop(ctx.db, ctx.user, input.code, input.displayName)),

  dashboard: teacherProcedure.query(({ ctx }) => dashboardOf(ctx.db, ctx.workshop)),

  /** The dashboard, live (SSE): again whenever it changes, at most DASHBOARD_MS stale. */
  dashboardLive: teacherProcedure.subscription(async function* ({ ctx, signal }) {
    const id = ctx.workshop.id;
    yield* watchWorkshop(id, async () => dashboardOf(ctx.db, (await getWorkshop(ctx.db, id)) ?? ctx.workshop), DASHBOARD_MS, signal);
  }),

  announce: teacherProcedure.input(z.object({ text: announcementSchema })).mutation(async ({ ctx, input }) => {
    const w = requireRunning(ctx.workshop);
    await updateWorkshop(ctx.db, w.id, { announcement: input.text, announcedAt: new Date() });
    workshopChanged(w.id);
    return { announced: true as const };
  }),

  pushStarter: teacherProcedure.mutation(async ({ ctx }) => {
    const w = requireRunning(ctx.workshop);
    const result = await pushStarter(ctx.db, w);
    workshopChanged(w.id);
    return result;
  }),

  end: teacherProcedure.mutation(async ({ ctx }) => {
    const w = ctx.workshop;
    if (!w.endedAt) await updateWorkshop(ctx.db, w.id, { endedAt: new Date() });
    workshopChanged(w.id);
    return { ended: true as const };
  }),

  exportCsv: teacherProcedure.query(async ({ ctx }) => {
    const dashboard = await dashboardOf(ctx.db, ctx.workshop);
    return { filename: `workshop-${dashboard.workshop.code}.csv`, csv: dashboardCsv(dashboard.students) };
  }),

  /** The workshops started from this project (its owner only), for links back to their dashboards. */
  ofProject: projectProcedure('owner').query(async ({ ctx }) =>
    (await workshopsOfStarter(ctx.db, ctx.project.id))
      .filter((w) => w.teacherId === ctx.user.id)
      .map((w) => ({ id: w.id, title: w.title, code: w.code, ended: isEnded(w) })),
  ),

  /** The workshop of a project the caller can view: null unless it is a student's fork. */
  forProject: projectProcedure('viewer').query(({ ctx }) => studentViewOf(ctx.db, ctx.project.id)),

  /** forProject, live (SSE): announcements and the end reach the student within STUDENT_MS. */
  forProjectLive: projectProcedure('viewer').subscription(async function* ({ ctx, signal }) {
    const first = await studentViewOf(ctx.db, ctx.project.id);
    if (!first) {
      yield null;
      return;
    }
    yield* watchWorkshop(first.workshopId, () => studentViewOf(ctx.db, ctx.project.id), STUDENT_MS, signal);
  }),
});
