import 'server-only';
import { randomBytes } from 'node:crypto';
import { and, eq, isNull } from 'drizzle-orm';
import type { Tx } from '@/db/queries/blobs';
import { project, shareGrant, shareLink } from '@/db/schema';

/** 192 random bits, URL-safe: a slug nobody guesses. */
export function newSlug(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * A random id in UUID form whose version nibble is 8, never 4 (project ids are v4): the preview proxy
 * tells a viewer's own sandbox from a project's by its id alone, before any database lookup.
 */
export function newViewSandboxId(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x80;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

export function isViewSandboxId(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(id);
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

/** The user's grant on a project through its live link: their own sandbox's id. */
export async function liveShareGrant(db: Tx, projectId: string, userId: string): Promise<{ sandboxId: string } | undefined> {
  const [row] = await db
    .select({ sandboxId: shareGrant.sandboxId })
    .from(shareGrant)
    .innerJoin(shareLink, eq(shareLink.id, shareGrant.shareLinkId))
    .where(and(eq(shareLink.projectId, projectId), isNull(shareLink.revokedAt), eq(shareGrant.userId, userId)));
  return row;
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
