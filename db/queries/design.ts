import 'server-only';
import { asc, eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { putBlob, type Tx } from '@/db/queries/blobs';
import { designRound, projectDesign, type DesignRound, type ProjectDesign } from '@/db/schema';

export async function setProjectDesign(db: Tx, input: { projectId: string; png: Uint8Array; width: number; height: number }): Promise<void> {
  const designHash = await putBlob(db, input.png);
  const row = { projectId: input.projectId, designHash, width: input.width, height: input.height };
  await db.insert(projectDesign).values(row).onConflictDoUpdate({ target: projectDesign.projectId, set: { designHash, width: row.width, height: row.height } });
}

export async function getProjectDesign(db: Tx, projectId: string): Promise<ProjectDesign | null> {
  const [row] = await db.select().from(projectDesign).where(eq(projectDesign.projectId, projectId));
  return row ?? null;
}

export async function listDesignRounds(db: Tx, projectId: string): Promise<DesignRound[]> {
  return db.select().from(designRound).where(eq(designRound.projectId, projectId)).orderBy(asc(designRound.round));
}

/** Stores the next round (numbered after the last one) in one transaction. */
export async function addDesignRound(db: Db, input: { projectId: string; capture: Uint8Array; diff: Uint8Array; score: DesignRound['score'] }): Promise<DesignRound> {
  return db.transaction(async (tx) => {
    const [captureHash, diffHash] = [await putBlob(tx, input.capture), await putBlob(tx, input.diff)];
    const round = (await listDesignRounds(tx, input.projectId)).length + 1;
    const [row] = await tx.insert(designRound).values({ projectId: input.projectId, round, captureHash, diffHash, score: input.score }).returning();
    return row!;
  });
}
