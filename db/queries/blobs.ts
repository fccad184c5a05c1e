import 'server-only';
import { createHash } from 'node:crypto';
import { inArray, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { blob } from '@/db/schema';

export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0] | Db;

export function hashBytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Stores bytes once, whoever writes them; returns their hash. A blob already stored gets a fresh
 * createdAt: the collector (db/queries/blob-gc.ts) spares recent blobs, so one about to be referenced
 * by the caller's next statement is never deleted in between.
 */
export async function putBlob(db: Tx, bytes: Uint8Array): Promise<string> {
  const hash = hashBytes(bytes);
  await db
    .insert(blob)
    .values({ hash, size: bytes.byteLength, content: bytes })
    .onConflictDoUpdate({ target: blob.hash, set: { createdAt: sql`now()` } });
  return hash;
}

export async function getBlobs(db: Tx, hashes: string[]): Promise<Map<string, Uint8Array>> {
  if (hashes.length === 0) return new Map();
  const rows = await db.select({ hash: blob.hash, content: blob.content }).from(blob).where(inArray(blob.hash, hashes));
  return new Map(rows.map((r) => [r.hash, r.content]));
}
