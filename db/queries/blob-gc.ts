import 'server-only';
import { and, lt, notExists, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { blob, checkpointFile, designRound, message, project, projectDesign, projectFile, tree, treeFile } from '@/db/schema';

// Blob collection: a blob no project_file, no tree_file and no checkpoint_file points at is deleted — but only once
// it is older than the grace period. A write stores its blob (putBlob, which also refreshes createdAt
// of a blob it reuses) and then points a row at it in a later statement; the grace period keeps the
// collector out of that gap. Rows pointing at blobs have foreign keys, so a referenced blob can never go.
// Chat images are pointed at from inside a message's content (`image:<sha256>.<type>`,
// server/model/images.ts), not by a foreign key: the hashes named there are read in one scan and kept.
// Shared trees (db/queries/tree.ts) go first, the same way: one no project is based on any more, older than
// the grace period (a fork reusing a tree refreshes its age before pointing at it); project.base_tree_id has a
// foreign key, so a tree in use can never go.

export async function collectBlobs(db: Db, opts: { graceMs: number; now?: Date }): Promise<{ deleted: number; bytes: number }> {
  const cutoff = new Date((opts.now ?? new Date()).getTime() - opts.graceMs);
  await db
    .delete(tree)
    .where(and(lt(tree.createdAt, cutoff), notExists(db.select({ one: sql`1` }).from(project).where(sql`${project.baseTreeId} = ${tree.id}`))));
  const rows = await db
    .delete(blob)
    .where(
      and(
        lt(blob.createdAt, cutoff),
        notExists(db.select({ one: sql`1` }).from(projectFile).where(sql`${projectFile.blobHash} = ${blob.hash}`)),
        notExists(db.select({ one: sql`1` }).from(treeFile).where(sql`${treeFile.blobHash} = ${blob.hash}`)),
        notExists(db.select({ one: sql`1` }).from(checkpointFile).where(sql`${checkpointFile.blobHash} = ${blob.hash}`)),
        notExists(db.select({ one: sql`1` }).from(projectDesign).where(sql`${projectDesign.designHash} = ${blob.hash}`)),
        notExists(db.select({ one: sql`1` }).from(designRound).where(sql`${designRound.captureHash} = ${blob.hash} or ${designRound.diffHash} = ${blob.hash}`)),
        sql`${blob.hash} not in (select (regexp_matches(${message.content}::text, 'image:([0-9a-f]{64})\\.', 'g'))[1] from ${message})`,
      ),
    )
    .returning({ size: blob.size });
  return { deleted: rows.length, bytes: rows.reduce((n, r) => n + r.size, 0) };
}
