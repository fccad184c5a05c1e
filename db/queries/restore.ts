import 'server-only';
import { randomUUID } from 'node:crypto';
import { and, desc, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '@/db/client';
import type { Tx } from '@/db/queries/blobs';
import { createCheckpoint, getCheckpoint, replaceTree, treeOf, type CheckpointSummary, type TreeChange } from '@/db/queries/checkpoints';
import { getChat } from '@/db/queries/chats';
import { latestMemory } from '@/db/queries/memory';
import { touchProject } from '@/db/queries/projects';
import { chat, memoryDecision, memoryRecord, message } from '@/db/schema';

// Restoring a checkpoint: first a checkpoint of the state now (so a restore destroys nothing), then
// the tree, then the conversation. The conversation is restored as a new chat holding the messages up
// to the checkpoint's position (and the memory records and decisions up to it): the chat it came from
// stays as it was, so restoring the "before restore" checkpoint brings the later messages back too.

export interface RestoreResult {
  restored: CheckpointSummary;
  /** The checkpoint of the state just before the restore. */
  saved: CheckpointSummary;
  /** The chat to continue in: the restored conversation, or null when the checkpoint had none. */
  chatId: string | null;
  changes: TreeChange[];
}

export async function restoreCheckpoint(
  db: Db,
  input: { projectId: string; checkpointId: string; currentChatId: string | null; userId: string },
): Promise<RestoreResult> {
  const { projectId } = input;
  return db.transaction(async (tx) => {
    const target = await getCheckpoint(tx, projectId, input.checkpointId);
    const currentChat = input.currentChatId && (await getChat(tx, projectId, input.currentChatId)) ? input.currentChatId : null;
    const saved = await createCheckpoint(tx, {
      projectId,
      kind: 'restore',
      message: `Before restoring "${target.message}"`,
      chatId: currentChat,
      userId: input.userId,
    });
    const changes = await replaceTree(tx, projectId, await treeOf(tx, projectId, target.id));
    const chatId = target.chatId ? await conversationAt(tx, projectId, target) : null;
    await touchProject(tx, projectId);
    return { restored: target, saved, chatId, changes };
  });
}

/** The chat at the checkpoint's position: the same chat when nothing was added to it since, else a copy up to it. */
async function conversationAt(tx: Tx, projectId: string, target: CheckpointSummary): Promise<string | null> {
  const source = target.chatId ? await getChat(tx, projectId, target.chatId) : undefined;
  if (!source) return null;
  const [last] = await tx.select({ id: message.id }).from(message).where(eq(message.chatId, source.id)).orderBy(desc(message.seq)).limit(1);
  const memory = await latestMemory(tx, projectId, source.id);
  if ((last?.id ?? null) === target.messageId && (memory?.version ?? null) === target.memoryVersion) {
    await tx.update(chat).set({ updatedAt: new Date() }).where(eq(chat.id, source.id));
    return source.id;
  }
  const [through] = target.messageId
    ? await tx.select({ seq: message.seq }).from(message).where(and(eq(message.id, target.messageId), eq(message.chatId, source.id)))
    : [];
  const messages = through ? await tx.select().from(message).where(and(eq(message.chatId, source.id), lte(message.seq, through.seq))) : [];
  const [copy] = await tx
    .insert(chat)
    .values({ projectId, title: source.title.endsWith(' (restored)') ? source.title : `${source.title} (restored)`, plan: source.plan })
    .returning({ id: chat.id });
  if (!copy) throw new Error('chat insert returned nothing');
  const ids = new Map(messages.map((m) => [m.id, randomUUID()]));
  if (messages.length > 0) {
    await tx.insert(message).values(messages.map((m) => ({ ...m, id: ids.get(m.id)!, chatId: copy.id })));
    const records = await tx
      .select()
      .from(memoryRecord)
      .where(and(eq(memoryRecord.chatId, source.id), lte(memoryRecord.version, target.memoryVersion ?? 0), inArray(memoryRecord.throughMessageId, [...ids.keys()])));
    if (records.length > 0) {
      await tx.insert(memoryRecord).values(records.map((r) => ({ ...r, id: randomUUID(), chatId: copy.id, throughMessageId: ids.get(r.throughMessageId)! })));
    }
    const decisions = await tx
      .select()
      .from(memoryDecision)
      .where(and(eq(memoryDecision.chatId, source.id), inArray(memoryDecision.messageId, [...ids.keys()])));
    if (decisions.length > 0) {
      await tx.insert(memoryDecision).values(decisions.map((d) => ({ ...d, id: randomUUID(), chatId: copy.id, messageId: ids.get(d.messageId)! })));
    }
  }
  return copy.id;
}
