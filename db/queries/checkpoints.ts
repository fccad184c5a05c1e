import 'server-only';
import { and, asc, count, desc, eq, notInArray, sql } from 'drizzle-orm';
import type { Tx } from '@/db/queries/blobs';
import { getChat } from '@/db/queries/chats';
import { latestMemory } from '@/db/queries/memory';
import { liveEntries, liveTreeSql, putEntry, removeEntries } from '@/db/queries/tree';
import { checkpoint, checkpointFile, message, type Checkpoint } from '@/db/schema';
import { AppError } from '@/lib/errors';

// Checkpoints: a project's tree as checkpoint_file rows (path → blob hash, copied from its live tree in
// one statement, never contents) plus the conversation and memory positions at that moment.

export type CheckpointKind = Checkpoint['kind'];

/** Older checkpoints than the newest this many are deleted, so a project's history (and its blobs) stays bounded. */
export const CHECKPOINTS_KEPT = 200;

const summaryColumns = {
  id: checkpoint.id,
  kind: checkpoint.kind,
  message: checkpoint.message,
  chatId: checkpoint.chatId,
  messageId: checkpoint.messageId,
  memoryVersion: checkpoint.memoryVersion,
  fileCount: checkpoint.fileCount,
  createdAt: checkpoint.createdAt,
};
export type CheckpointSummary = Pick<Checkpoint, keyof typeof summaryColumns>;

export interface TreeEntry {
  path: string;
  hash: string;
  size: number;
}

export async function createCheckpoint(
  db: Tx,
  input: { projectId: string; kind: CheckpointKind; message: string; chatId: string | null; userId: string | null },
): Promise<CheckpointSummary> {
  const { projectId, chatId } = input;
  return db.transaction(async (tx) => {
    if (chatId && !(await getChat(tx, projectId, chatId))) throw new AppError('not_found:chat');
    const [last] = chatId
      ? await tx.select({ id: message.id }).from(message).where(eq(message.chatId, chatId)).orderBy(desc(message.seq)).limit(1)
      : [];
    const memory = chatId ? await latestMemory(tx, projectId, chatId) : undefined;
    const [parent] = await tx
      .select({ id: checkpoint.id })
      .from(checkpoint)
      .where(eq(checkpoint.projectId, projectId))
      .orderBy(desc(checkpoint.createdAt))
      .limit(1);
    const [row] = await tx
      .insert(checkpoint)
      .values({
        projectId,
        parentId: parent?.id ?? null,
        kind: input.kind,
        message: input.message,
        chatId,
        messageId: last?.id ?? null,
        memoryVersion: memory?.version ?? null,
        createdById: input.userId,
      })
      .returning({ id: checkpoint.id });
    if (!row) throw new Error('checkpoint insert returned nothing');
    await tx.execute(sql`
      insert into ${checkpointFile} (checkpoint_id, path, blob_hash, size)
      select ${row.id}, live.path, live.blob_hash, live.size from ${liveTreeSql(sql`${projectId}::uuid`)} live`);
    const [counted] = await tx.select({ n: count() }).from(checkpointFile).where(eq(checkpointFile.checkpointId, row.id));
    const fileCount = counted?.n ?? 0;
    const [saved] = await tx.update(checkpoint).set({ fileCount }).where(eq(checkpoint.id, row.id)).returning(summaryColumns);
    if (!saved) throw new Error('checkpoint update returned nothing');
    await pruneCheckpoints(tx, projectId);
    return saved;
  });
}

async function pruneCheckpoints(tx: Tx, projectId: string): Promise<void> {
  const kept = tx
    .select({ id: checkpoint.id })
    .from(checkpoint)
    .where(eq(checkpoint.projectId, projectId))
    .orderBy(desc(checkpoint.createdAt))
    .limit(CHECKPOINTS_KEPT);
  await tx.delete(checkpoint).where(and(eq(checkpoint.projectId, projectId), notInArray(checkpoint.id, kept)));
}

export async function listCheckpoints(db: Tx, projectId: string, limit = CHECKPOINTS_KEPT): Promise<CheckpointSummary[]> {
  return db
    .select(summaryColumns)
    .from(checkpoint)
    .where(eq(checkpoint.projectId, projectId))
    .orderBy(desc(checkpoint.createdAt))
    .limit(limit);
}

export async function getCheckpoint(db: Tx, projectId: string, checkpointId: string): Promise<CheckpointSummary> {
  const [row] = await db
    .select(summaryColumns)
    .from(checkpoint)
    .where(and(eq(checkpoint.id, checkpointId), eq(checkpoint.projectId, projectId)));
  if (!row) throw new AppError('not_found:history');
  return row;
}

/** The newest checkpoint taken before an agent turn (of `chatId` when given). */
export async function lastTurnStart(db: Tx, projectId: string, chatId: string | null): Promise<CheckpointSummary | undefined> {
  const [row] = await db
    .select(summaryColumns)
    .from(checkpoint)
    .where(and(eq(checkpoint.projectId, projectId), eq(checkpoint.kind, 'turn_start'), chatId ? eq(checkpoint.chatId, chatId) : undefined))
    .orderBy(desc(checkpoint.createdAt))
    .limit(1);
  return row;
}

/** A checkpoint's tree, or (for 'current') the project's tree now. */
export async function treeOf(db: Tx, projectId: string, checkpointId: string | 'current'): Promise<TreeEntry[]> {
  if (checkpointId === 'current') {
    return (await liveEntries(db, projectId)).map(({ path, hash, size }) => ({ path, hash, size }));
  }
  await getCheckpoint(db, projectId, checkpointId);
  return db
    .select({ path: checkpointFile.path, hash: checkpointFile.blobHash, size: checkpointFile.size })
    .from(checkpointFile)
    .where(eq(checkpointFile.checkpointId, checkpointId))
    .orderBy(asc(checkpointFile.path));
}

export interface TreeChange {
  path: string;
  status: 'added' | 'removed' | 'modified';
  before: string | null;
  after: string | null;
}

/** Paths that differ between two trees, with the blob hash on each side. */
export function diffTrees(from: TreeEntry[], to: TreeEntry[]): TreeChange[] {
  const a = new Map(from.map((f) => [f.path, f.hash]));
  const b = new Map(to.map((f) => [f.path, f.hash]));
  const changes: TreeChange[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const before = a.get(path) ?? null;
    const after = b.get(path) ?? null;
    if (before === after) continue;
    changes.push({ path, before, after, status: before === null ? 'added' : after === null ? 'removed' : 'modified' });
  }
  return changes;
}

/**
 * Makes the project's tree equal to `tree`: removed paths deleted, changed ones pointed at their old
 * blob (version + 1, so open editors see the change), missing ones inserted. Returns the changed paths.
 */
export async function replaceTree(tx: Tx, projectId: string, tree: TreeEntry[]): Promise<TreeChange[]> {
  const current = await liveEntries(tx, projectId);
  const changes = diffTrees(current, tree);
  await removeEntries(tx, projectId, changes.filter((c) => c.status === 'removed').map((c) => c.path));
  const versions = new Map(current.map((f) => [f.path, f.version]));
  const wanted = new Map(tree.map((f) => [f.path, f]));
  for (const change of changes) {
    const file = wanted.get(change.path);
    if (!file) continue;
    const version = change.status === 'modified' ? (versions.get(file.path) ?? 0) + 1 : 1;
    await putEntry(tx, projectId, { path: file.path, hash: file.hash, size: file.size, version });
  }
  return changes;
}
