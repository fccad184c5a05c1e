import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '@/db/queries/blobs';
import { newViewSandboxId } from '@/server/share/sandbox-id';
import { project, shareGrant, shareLink } from '@/db/schema';

/** 192 random bits, URL-safe: a slug nobody guesses. */
export function newSlug(): string {
  return randomBytes(24).toString('base64url');
}

export async function activeShareLink(db: Tx, projectId: string): Promise<{ slug: string; createdAt: Date } | undefined> {
  const [row] = await db
    .select({ slug: shareLink.slug, createdAt: shareLink.createdAt })
    .from(shareLink)
    .where(and(eq(shareLink.projectId, projectId), isNull(shareLink.revokedAt)));
  return row;
}

/** Ends the project's live link (and every grant through it, at once). */
export async function revokeShareLinks(db: Tx, projectId: string): Promise<void> {
  await db.update(shareLink).set({ revokedAt: new Date() }).where(and(eq(shareLink.projectId, projectId), isNull(shareLink.revokedAt)));
}

/** Turns the link on, or rotates it: the old slug stops working in the same transaction. */
export async function rotateShareLink(db: Tx, projectId: string): Promise<{ slug: string }> {
  await revokeShareLinks(db, projectId);
  const slug = newSlug();
  await db.insert(shareLink).values({ projectId, slug });
  return { slug };
}

/** The live link with this slug and its project's title, or undefined. */
export async function shareLinkBySlug(db: Tx, slug: string): Promise<{ id: string; projectId: string; title: string } | undefined> {
  const [row] = await db
    .select({ id: shareLink.id, projectId: shareLink.projectId, title: project.title })
    .from(shareLink)
    .innerJoin(project, eq(project.id, shareLink.projectId))
    .where(and(eq(shareLink.slug, slug), isNull(shareLink.revokedAt)));
  return row;
}

/** Records that `userId` opened the link (idempotent). */
export async function grantShare(db: Tx, shareLinkId: string, userId: string): Promise<void> {
  await db.insert(shareGrant).values({ shareLinkId, userId, sandboxId: newViewSandboxId() }).onConflictDoNothing();
}

/** Whose view sandbox this is, while the link behind it lives. */
export async function viewSandboxOwner(db: Tx, sandboxId: string): Promise<{ projectId: string; userId: string } | undefined> {
  const [row] = await db
    .select({ projectId: shareLink.projectId, userId: shareGrant.userId })
    .from(shareGrant)
    .innerJoin(shareLink, eq(shareLink.id, shareGrant.shareLinkId))
    .where(and(eq(shareGrant.sandboxId, sandboxId), isNull(shareLink.revokedAt)));
  return row;
}
