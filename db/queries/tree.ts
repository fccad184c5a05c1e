import 'server-only';
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Tx } from '@/db/queries/blobs';
import { project, projectFile, tree, treeFile } from '@/db/schema';
import { AppError } from '@/lib/errors';

// A project's live tree = its base tree (the shared, immutable file list a fork started from; none for other
// projects) overlaid with its own project_file rows: an own row replaces the base's file at its path, a
// tombstone (no blob) hides it. A base file the project never touched reads as version 1, changed when the
// project was made (what the fork's own copy of the row used to say). Every reader and writer of a
// project's files goes through here, so all of them see the same tree.
//
// A path's version only ever grows, across deletes: removing files raises the project's removedVersionFloor to
// the highest version removed, and every file written later starts past it. A tab still holding a deleted file's
// version can then never overwrite a file made again at that path (files.write compares versions). Only base
// files leave a row behind when removed (the tombstone that hides them), so deleting leaves nothing that grows.

export interface FileEntry {
  path: string;
  size: number;
  version: number;
  hash: string;
  updatedAt: Date;
}

/**
 * The live tree of the project `projectId` (an SQL expression) as a subquery with the columns path,
 * blob_hash, size, version and updated_at; for queries that embed it (checkpoints, memory, dashboards).
 */
export function liveTreeSql(projectId: SQL): SQL {
  return sql`(
    select f.path, f.blob_hash, f.size, f.version, f.updated_at from ${projectFile} f
      where f.project_id = ${projectId} and f.blob_hash is not null
    union all
    select t.path, t.blob_hash, t.size, 1, p.created_at from ${project} p join ${treeFile} t on t.tree_id = p.base_tree_id
      where p.id = ${projectId} and not exists (select 1 from ${projectFile} o where o.project_id = p.id and o.path = t.path))`;
}

/** The live files, by path; `only` narrows to one path or to files of at most `maxSize` bytes. */
export async function liveEntries(db: Tx, projectId: string, only: { path?: string; maxSize?: number } = {}): Promise<FileEntry[]> {
  return db
    .select({
      path: sql<string>`live.path`,
      size: sql<number>`live.size`,
      version: sql<number>`live.version`,
      hash: sql<string>`live.blob_hash`,
      updatedAt: sql<Date>`live.updated_at`.mapWith(projectFile.updatedAt),
    })
    .from(sql`${liveTreeSql(sql`${projectId}::uuid`)} live`)
    .where(
      and(
        only.path === undefined ? undefined : sql`live.path = ${only.path}`,
        only.maxSize === undefined ? undefined : sql`live.size <= ${only.maxSize}`,
      ),
    )
    .orderBy(sql`live.path`);
}

export async function liveEntry(db: Tx, projectId: string, path: string): Promise<FileEntry | undefined> {
  const [row] = await liveEntries(db, projectId, { path });
  return row;
}

/** Files and bytes of the live tree (for the quotas). */
export async function liveUsage(db: Tx, projectId: string): Promise<{ files: number; bytes: number }> {
  const [row] = await db
    .select({ files: sql<number>`count(*)`.mapWith(Number), bytes: sql<number>`coalesce(sum(live.size), 0)`.mapWith(Number) })
    .from(sql`${liveTreeSql(sql`${projectId}::uuid`)} live`);
  return row ?? { files: 0, bytes: 0 };
}

type NewEntry = { path: string; hash: string; size: number; version: number };

/** Points `path` at a blob with the given version, over an own row or a tombstone, or beside the base's file. */
export async function putEntry(tx: Tx, projectId: string, e: NewEntry): Promise<FileEntry> {
  const row = await upsertEntry(tx, projectId, e, false);
  if (!row) throw new Error('file upsert returned nothing');
  return { path: e.path, hash: e.hash, size: e.size, ...row };
}

/** A new file at `path` (over a tombstone, never over a live file: a concurrent create makes this a conflict). */
export async function createEntry(tx: Tx, projectId: string, e: NewEntry): Promise<FileEntry> {
  const row = await upsertEntry(tx, projectId, e, true);
  if (!row) throw new AppError('conflict:file', `"${e.path}" already exists.`);
  return { path: e.path, hash: e.hash, size: e.size, ...row };
}

/** A new own row's version: at least `version`, and past every version removed from the project. */
export function pastRemoved(projectId: string, version: number | SQL): SQL<number> {
  return sql<number>`greatest(${version}, (select ${project.removedVersionFloor} + 1 from ${project} where ${project.id} = ${projectId}))`;
}

/** The project's own row for `path`, inserted or replaced (only a tombstone when `overTombstoneOnly`); undefined when nothing was written. */
async function upsertEntry(tx: Tx, projectId: string, e: NewEntry, overTombstoneOnly: boolean) {
  const [row] = await tx
    .insert(projectFile)
    .values({ projectId, path: e.path, blobHash: e.hash, size: e.size, version: pastRemoved(projectId, e.version) })
    .onConflictDoUpdate({
      target: [projectFile.projectId, projectFile.path],
      set: { blobHash: e.hash, size: e.size, version: sql`greatest(excluded.version, ${projectFile.version} + 1)`, updatedAt: sql`now()` },
      ...(overTombstoneOnly ? { setWhere: isNull(projectFile.blobHash) } : {}),
    })
    .returning({ version: projectFile.version, updatedAt: projectFile.updatedAt });
  return row;
}

/**
 * The first own row for a base file (its first change): undefined when a concurrent write made one meanwhile, so
 * the caller's expected version is stale.
 */
export async function insertFirstChange(
  tx: Tx,
  projectId: string,
  e: { path: string; hash: string; size: number; version: number },
): Promise<FileEntry | undefined> {
  const [row] = await tx
    .insert(projectFile)
    .values({ projectId, path: e.path, blobHash: e.hash, size: e.size, version: e.version })
    .onConflictDoNothing()
    .returning({ version: projectFile.version, updatedAt: projectFile.updatedAt });
  return row && { path: e.path, hash: e.hash, size: e.size, ...row };
}

/**
 * Removes live files: own rows go, a tombstone hides each path the base has, and the project's removedVersionFloor
 * rises to the highest version removed (a base file the project never changed read as version 1).
 */
export async function removeEntries(tx: Tx, projectId: string, paths: string[]): Promise<void> {
  if (paths.length === 0) return;
  const inBase = await tx
    .select({ path: treeFile.path })
    .from(project)
    .innerJoin(treeFile, eq(treeFile.treeId, project.baseTreeId))
    .where(and(eq(project.id, projectId), inArray(treeFile.path, paths)));
  const removed = await tx
    .delete(projectFile)
    .where(and(eq(projectFile.projectId, projectId), inArray(projectFile.path, paths)))
    .returning({ version: projectFile.version });
  const highest = Math.max(inBase.length > 0 ? 1 : 0, ...removed.map((r) => r.version));
  await tx
    .update(project)
    .set({ removedVersionFloor: sql`greatest(${project.removedVersionFloor}, ${highest})` })
    .where(eq(project.id, projectId));
  if (inBase.length > 0) {
    await tx.insert(projectFile).values(inBase.map((f) => ({ projectId, path: f.path, blobHash: null, size: 0, version: 1 })));
  }
}

/** A tree's identity: its entries in path order (paths hold no control characters, so lines cannot be forged). */
export function treeHash(entries: { path: string; hash: string; size: number }[]): string {
  return createHash('sha256')
    .update(entries.map((e) => `${e.size} ${e.hash} ${e.path}`).join('\n'))
    .digest('hex');
}

/**
 * The project's live tree as a shared tree — stored once per distinct file list, reused (and its age refreshed,
 * so the collector spares it until the caller points at it) when it exists. Null for an empty project.
 */
export async function shareTree(tx: Tx, projectId: string): Promise<string | null> {
  const entries = await liveEntries(tx, projectId);
  if (entries.length === 0) return null;
  const hash = treeHash(entries);
  // Twice at most: on PostgreSQL the collector may delete an old unused tree between the insert that found it and
  // the update that would refresh it; the second insert then makes it anew.
  for (let attempt = 0; attempt < 2; attempt++) {
    const [created] = await tx.insert(tree).values({ hash }).onConflictDoNothing({ target: tree.hash }).returning({ id: tree.id });
    if (created) {
      await tx.insert(treeFile).values(entries.map((e) => ({ treeId: created.id, path: e.path, blobHash: e.hash, size: e.size })));
      return created.id;
    }
    const [existing] = await tx.update(tree).set({ createdAt: sql`now()` }).where(eq(tree.hash, hash)).returning({ id: tree.id });
    if (existing) return existing.id;
  }
  throw new Error(`tree ${hash} was collected twice while being shared`);
}
