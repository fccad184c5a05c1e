import 'server-only';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { modelUsage } from '@/db/schema';

// Model tokens per identity and UTC day (the model budget). A ledger of its own, so deleting a chat
// does not give its tokens back.

/** The UTC day of an instant, YYYY-MM-DD. */
export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

export async function tokensUsedOn(db: Db, userId: string, day: string): Promise<number> {
  const [row] = await db
    .select({ tokens: modelUsage.tokens })
    .from(modelUsage)
    .where(and(eq(modelUsage.userId, userId), eq(modelUsage.day, day)));
  return Number(row?.tokens ?? 0);
}

export async function addTokens(db: Db, userId: string, day: string, tokens: number): Promise<void> {
  if (tokens <= 0) return;
  await db
    .insert(modelUsage)
    .values({ userId, day, tokens })
    .onConflictDoUpdate({ target: [modelUsage.userId, modelUsage.day], set: { tokens: sql`${modelUsage.tokens} + ${tokens}` } });
}
