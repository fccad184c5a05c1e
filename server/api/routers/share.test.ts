import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { isViewSandboxId } from '@/server/share/sandbox-id';
import type { User } from '@/db/schema';
import { mayPreview, projectAccess, sandboxProject } from '@/server/access';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { verifyPreviewTicket } from '@/server/auth/preview-ticket';

let testDb: TestDb;
let owner: User;
let holder: User;
let other: User;
const as = (user: User | null) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, holder, other] = (await seedUsers(testDb.db, 3)) as [User, User, User];
});
afterAll(() => testDb.close());

async function sharedProject() {
  const p = await as(owner).project.create({ template: 'vite-react-ts' });
  const { slug } = await as(owner).share.rotate({ projectId: p.id });
  return { projectId: p.id, slug };
}

describe('share links', () => {
  it('makes an unguessable slug, shown to the owner only', async () => {
    const { projectId, slug } = await sharedProject();
    expect(slug).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(slug, 'base64url')).toHaveLength(24);
    expect(await as(owner).share.get({ projectId })).toEqual({ slug });
    await as(holder).share.open({ slug });
    await expect(as(holder).share.get({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(holder).share.rotate({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(holder).share.revoke({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it('a holder reads and forks but cannot write, run the agent or save sandbox changes', async () => {
    const { projectId, slug } = await sharedProject();
    await expect(as(holder).files.tree({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await as(holder).share.open({ slug })).toEqual({ projectId });
    expect(await as(holder).project.byId({ projectId })).toMatchObject({ role: 'viewer', shared: true });
    const file = await as(holder).files.read({ projectId, path: 'src/App.tsx' });
    await expect(
      as(holder).files.write({ projectId, path: 'src/App.tsx', content: 'pwned', encoding: 'utf8', expectedVersion: file.version }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(holder).sandbox.applyChanges({ projectId, put: [{ path: 'x.txt', content: 'x', encoding: 'utf8' }], remove: [] })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await expect(as(holder).chat.create({ projectId })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await as(owner).files.read({ projectId, path: 'src/App.tsx' })).content).toBe(file.content);
    const fork = await as(holder).project.fork({ projectId });
    expect(await as(holder).project.byId({ projectId: fork.id })).toMatchObject({ role: 'owner', forkedFromId: projectId });
  });

  it("gives a holder previews of their own sandbox only, never the owner's", async () => {
    const { projectId, slug } = await sharedProject();
    await as(holder).share.open({ slug });
    const access = (await projectAccess(testDb.db, projectId, holder.id))!;
    expect(access).toMatchObject({ via: 'share', role: 'viewer' });
    expect(isViewSandboxId(access.sandboxId)).toBe(true);
    const { ticket } = await as(holder).sandbox.previewTicket({ projectId, port: 5173 });
    expect(verifyPreviewTicket(ticket, { projectId: access.sandboxId, port: 5173 })).toBe(holder.id);
    expect(verifyPreviewTicket(ticket, { projectId, port: 5173 })).toBeUndefined();
    expect(await mayPreview(testDb.db, projectId, holder.id)).toBe(false);
    expect(await mayPreview(testDb.db, access.sandboxId, holder.id)).toBe(true);
    expect(await mayPreview(testDb.db, access.sandboxId, other.id)).toBe(false);
    expect(await mayPreview(testDb.db, projectId, owner.id)).toBe(true);
    expect((await projectAccess(testDb.db, projectId, owner.id))?.sandboxId).toBe(projectId);
  });

  it('rotating or revoking stops the old slug and every holder at once', async () => {
    const { projectId, slug } = await sharedProject();
    await as(holder).share.open({ slug });
    const sandboxId = (await projectAccess(testDb.db, projectId, holder.id))!.sandboxId;
    expect(await sandboxProject(testDb.db, sandboxId)).toMatchObject({ id: projectId });
    expect(await sandboxProject(testDb.db, projectId)).toMatchObject({ id: projectId });
    const { slug: next } = await as(owner).share.rotate({ projectId });
    expect(next).not.toBe(slug);
    await expect(as(holder).files.tree({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await mayPreview(testDb.db, sandboxId, holder.id)).toBe(false);
    // The holder's sandbox no longer maps to the project: its egress ceiling falls to no network.
    expect(await sandboxProject(testDb.db, sandboxId)).toBeUndefined();
    await expect(as(other).share.open({ slug })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'This share link is invalid or was turned off.' });
    await as(other).share.open({ slug: next });
    expect(await as(other).files.tree({ projectId })).not.toHaveLength(0);
    await as(owner).share.revoke({ projectId });
    await expect(as(other).files.tree({ projectId })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(other).share.open({ slug: next })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await as(owner).share.get({ projectId })).toEqual({ slug: null });
  });

  it('validates slugs and needs an identity', async () => {
    await expect(as(holder).share.open({ slug: '../../etc/passwd' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as(holder).share.open({ slug: 'A'.repeat(32) })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(null).share.open({ slug: 'A'.repeat(32) })).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });

  it('the owner opening their own link stays the owner', async () => {
    const { projectId, slug } = await sharedProject();
    await as(owner).share.open({ slug });
    expect(await projectAccess(testDb.db, projectId, owner.id)).toMatchObject({ role: 'owner', via: 'owner', sandboxId: projectId });
  });
});

describe('invites and members', () => {
  it('an invited editor edits; a lowered role or a removal counts at once', async () => {
    const p = await as(owner).project.create({ title: 'team' });
    await as(owner).files.create({ projectId: p.id, path: 'a.txt', content: 'a', encoding: 'utf8' });
    const { token } = await as(owner).members.invite({ projectId: p.id, role: 'editor' });
    expect(await as(holder).members.inviteInfo({ token })).toEqual({ title: 'team', role: 'editor', isOwner: false });
    expect(await as(holder).members.accept({ token })).toEqual({ projectId: p.id });
    const v = (await as(holder).files.read({ projectId: p.id, path: 'a.txt' })).version;
    await as(holder).files.write({ projectId: p.id, path: 'a.txt', content: 'by editor', encoding: 'utf8', expectedVersion: v });
    expect((await as(owner).files.read({ projectId: p.id, path: 'a.txt' })).content).toBe('by editor');
    expect((await as(holder).members.sharedWithMe()).map((s) => [s.id, s.role])).toEqual([[p.id, 'editor']]);
    expect((await as(owner).members.list({ projectId: p.id })).members).toMatchObject([{ userId: holder.id, role: 'editor' }]);

    await as(owner).members.setRole({ projectId: p.id, userId: holder.id, role: 'viewer' });
    const v2 = (await as(holder).files.read({ projectId: p.id, path: 'a.txt' })).version;
    await expect(as(holder).files.write({ projectId: p.id, path: 'a.txt', content: 'x', encoding: 'utf8', expectedVersion: v2 })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    await as(owner).members.remove({ projectId: p.id, userId: holder.id });
    await expect(as(holder).files.tree({ projectId: p.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await as(holder).members.sharedWithMe()).toEqual([]);
  });

  it('only the owner manages members; a revoked invite admits nobody; accepting never lowers a role', async () => {
    const p = await as(owner).project.create({ title: 'team 2' });
    const { token: editorToken } = await as(owner).members.invite({ projectId: p.id, role: 'editor' });
    await as(holder).members.accept({ token: editorToken });
    await expect(as(holder).members.invite({ projectId: p.id, role: 'editor' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(holder).members.list({ projectId: p.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(holder).members.remove({ projectId: p.id, userId: owner.id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(as(holder).members.setRole({ projectId: p.id, userId: holder.id, role: 'editor' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const { id, token } = await as(owner).members.invite({ projectId: p.id, role: 'viewer' });
    await as(holder).members.accept({ token });
    expect((await projectAccess(testDb.db, p.id, holder.id))?.role).toBe('editor');
    await as(owner).members.revokeInvite({ projectId: p.id, inviteId: id });
    await expect(as(other).members.accept({ token })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(other).members.inviteInfo({ token })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await projectAccess(testDb.db, p.id, other.id)).toBeUndefined();
    await expect(as(owner).members.setRole({ projectId: p.id, userId: other.id, role: 'editor' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(owner).members.invite({ projectId: p.id, role: 'owner' as 'editor' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
