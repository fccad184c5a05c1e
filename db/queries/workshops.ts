import 'server-only';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { Tx } from '@/db/queries/blobs';
import { liveTreeSql } from '@/db/queries/tree';
import { project, workshop, workshopStudent, type Workshop, type WorkshopStudent } from '@/db/schema';

// Workshops and their students (server/workshop decides; this only reads and writes rows).

export async function insertWorkshop(db: Tx, values: typeof workshop.$inferInsert): Promise<Workshop | undefined> {
  const [row] = await db.insert(workshop).values(values).onConflictDoNothing({ target: workshop.code }).returning();
  return row;
}

export async function getWorkshop(db: Tx, id: string): Promise<Workshop | undefined> {
  const [row] = await db.select().from(workshop).where(eq(workshop.id, id));
  return row;
}

export async function getWorkshopByCode(db: Tx, code: string): Promise<Workshop | undefined> {
  const [row] = await db.select().from(workshop).where(eq(workshop.code, code));
  return row;
}

/** The workshops started from a project, newest first. */
export async function workshopsOfStarter(db: Tx, starterProjectId: string): Promise<Workshop[]> {
  return db.select().from(workshop).where(eq(workshop.starterProjectId, starterProjectId)).orderBy(desc(workshop.createdAt));
}

export async function getStudent(db: Tx, workshopId: string, userId: string): Promise<WorkshopStudent | undefined> {
  const [row] = await db
    .select()
    .from(workshopStudent)
    .where(and(eq(workshopStudent.workshopId, workshopId), eq(workshopStudent.userId, userId)));
  return row;
}

/** Inserts a student; undefined when they joined meanwhile (the caller keeps the first fork). */
export async function insertStudent(db: Tx, values: typeof workshopStudent.$inferInsert): Promise<WorkshopStudent | undefined> {
  const [row] = await db.insert(workshopStudent).values(values).onConflictDoNothing().returning();
  return row;
}

/** The workshop a project is a student's fork in, with the student row; undefined for other projects. */
export async function workshopOfFork(db: Tx, projectId: string): Promise<{ workshop: Workshop; student: WorkshopStudent } | undefined> {
  const [row] = await db
    .select({ workshop, student: workshopStudent })
    .from(workshopStudent)
    .innerJoin(workshop, eq(workshop.id, workshopStudent.workshopId))
    .where(eq(workshopStudent.forkProjectId, projectId));
  return row;
}

export async function updateWorkshop(db: Tx, id: string, patch: Partial<Pick<Workshop, 'announcement' | 'announcedAt' | 'endedAt'>>): Promise<Workshop | undefined> {
  const [row] = await db.update(workshop).set(patch).where(eq(workshop.id, id)).returning();
  return row;
}

export async function listStudents(db: Tx, workshopId: string): Promise<WorkshopStudent[]> {
  return db.select().from(workshopStudent).where(eq(workshopStudent.workshopId, workshopId)).orderBy(asc(workshopStudent.joinedAt));
}

export interface DashboardRow {
  userId: string;
  displayName: string;
  projectId: string;
  lastActivityAt: Date;
  /** Paths added, changed or deleted against the starter as it is now. */
  filesChanged: number;
  test: { passed: number; failed: number; ranBy: 'student' | 'agent'; at: Date } | null;
  tokensUsed: number;
  agentTurns: number;
}

/** One row per student, in join order; files changed and last activity are read from the forks themselves. */
export async function dashboardRows(db: Tx, w: Pick<Workshop, 'id' | 'starterProjectId'>): Promise<DashboardRow[]> {
  const fork = sql`${workshopStudent.forkProjectId}`;
  const starter = sql`${w.starterProjectId}::uuid`;
  const changed = sql<number>`(
    (select count(*) from ${liveTreeSql(fork)} f where not exists
      (select 1 from ${liveTreeSql(starter)} s where s.path = f.path and s.blob_hash = f.blob_hash))
    + (select count(*) from ${liveTreeSql(starter)} s where not exists
      (select 1 from ${liveTreeSql(fork)} f where f.path = s.path)))::int`;
  const rows = await db
    .select({
      student: workshopStudent,
      projectUpdatedAt: project.updatedAt,
      filesChanged: changed,
    })
    .from(workshopStudent)
    .innerJoin(project, eq(project.id, workshopStudent.forkProjectId))
    .where(eq(workshopStudent.workshopId, w.id))
    .orderBy(asc(workshopStudent.joinedAt));
  return rows.map(({ student: s, projectUpdatedAt, filesChanged }) => ({
    userId: s.userId,
    displayName: s.displayName,
    projectId: s.forkProjectId,
    lastActivityAt: new Date(Math.max(s.lastActivityAt.getTime(), projectUpdatedAt.getTime())),
    filesChanged: Number(filesChanged),
    test:
      s.testRanBy && s.testAt && s.testPassed !== null && s.testFailed !== null
        ? { passed: s.testPassed, failed: s.testFailed, ranBy: s.testRanBy, at: s.testAt }
        : null,
    tokensUsed: Number(s.tokensUsed),
    agentTurns: s.agentTurns,
  }));
}

export async function recordTestRun(db: Tx, forkProjectId: string, run: { passed: number; failed: number; ranBy: 'student' | 'agent' }, at = new Date()): Promise<void> {
  await db
    .update(workshopStudent)
    .set({ testPassed: run.passed, testFailed: run.failed, testRanBy: run.ranBy, testAt: at, lastActivityAt: at })
    .where(eq(workshopStudent.forkProjectId, forkProjectId));
}

export async function recordAgentTurn(db: Tx, forkProjectId: string, tokens: number, at = new Date()): Promise<void> {
  await db
    .update(workshopStudent)
    .set({
      tokensUsed: sql`${workshopStudent.tokensUsed} + ${Math.max(0, Math.round(tokens))}`,
      agentTurns: sql`${workshopStudent.agentTurns} + 1`,
      lastActivityAt: at,
    })
    .where(eq(workshopStudent.forkProjectId, forkProjectId));
}
