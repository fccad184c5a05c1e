import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertProject } from '@/db/queries/projects';
import { projectMember, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import type { AccessFacts } from '@/db/queries/access';
import { allows, checkAccess, decideAccess, projectAccess, requireAccess } from '@/server/access';

// The one access policy, on a real database: who holds which role, and what each role may do.
let testDb: TestDb;
let owner: User;
let editor: User;
let viewer: User;
let stranger: User;
let projectId: string;

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, editor, viewer, stranger] = (await seedUsers(testDb.db, 4)) as [User, User, User, User];
  projectId = (await insertProject(testDb.db, { ownerId: owner.id, title: 'p', template: null })).id;
  await testDb.db.insert(projectMember).values([
    { projectId, userId: editor.id, role: 'editor' },
    { projectId, userId: viewer.id, role: 'viewer' },
  ]);
});
afterAll(() => testDb.close());

describe('server/access', () => {
  it('reads each caller’s role; a stranger and a missing project hold none', async () => {
    expect((await projectAccess(testDb.db, projectId, owner.id))?.role).toBe('owner');
    expect((await projectAccess(testDb.db, projectId, editor.id))?.role).toBe('editor');
    expect((await projectAccess(testDb.db, projectId, viewer.id))?.role).toBe('viewer');
    expect(await projectAccess(testDb.db, projectId, stranger.id)).toBeUndefined();
    expect(await projectAccess(testDb.db, '7f1c0a8e-1111-4222-8333-444455556666', owner.id)).toBeUndefined();
  });

  it('orders the roles: owner ⊇ editor ⊇ viewer', () => {
    expect(allows('owner', 'editor')).toBe(true);
    expect(allows('editor', 'editor')).toBe(true);
    expect(allows('viewer', 'editor')).toBe(false);
    expect(allows('editor', 'owner')).toBe(false);
    expect(allows('viewer', 'viewer')).toBe(true);
  });

  it('refuses too low a role as forbidden, and no role as a project that does not exist', async () => {
    await expect(requireAccess(testDb.db, projectId, editor.id, 'editor')).resolves.toMatchObject({ role: 'editor' });
    await expect(requireAccess(testDb.db, projectId, viewer.id, 'editor')).rejects.toMatchObject({ code: 'forbidden:project' });
    await expect(requireAccess(testDb.db, projectId, stranger.id, 'viewer')).rejects.toMatchObject({ code: 'not_found:project', message: 'Project not found.' });
  });
});

describe('decideAccess (the decision on fetched facts)', () => {
  const project = { id: 'p1', ownerId: 'owner', title: 'p', template: null, visibility: 'private', forkedFromId: null, settings: {}, createdAt: new Date(0), updatedAt: new Date(0) } as AccessFacts['project'];
  const facts = (over: Partial<AccessFacts> = {}): AccessFacts => ({ project, memberRole: null, shareSandboxId: null, workshop: null, ...over });
  const fork = { ...project, forkedFromId: 'source', ownerId: 'student' };
  const running = { title: 'w', endsAt: null, endedAt: null, studentUserId: 'student' };

  it('the owner, a member by their role, a share holder as a viewer in their own sandbox, anyone else not at all', () => {
    expect(decideAccess(facts(), 'owner')).toMatchObject({ role: 'owner', via: 'owner', sandboxId: 'p1' });
    expect(decideAccess(facts({ memberRole: 'editor' }), 'ed')).toMatchObject({ role: 'editor', via: 'member', sandboxId: 'p1' });
    expect(decideAccess(facts({ shareSandboxId: 'sb' }), 'holder')).toMatchObject({ role: 'viewer', via: 'share', sandboxId: 'sb' });
    expect(decideAccess(facts(), 'stranger')).toBeUndefined();
  });

  it('caps a student on their workshop fork: editor while it runs, viewer once it has ended; not someone else', () => {
    expect(decideAccess(facts({ project: fork, workshop: running }), 'student')).toMatchObject({ role: 'editor' });
    const ended = decideAccess(facts({ project: fork, workshop: { ...running, endedAt: new Date(0) } }), 'student');
    expect(ended).toMatchObject({ role: 'viewer', cappedBy: expect.stringContaining('has ended') });
    expect(() => checkAccess(ended, 'editor')).toThrow(expect.objectContaining({ code: 'forbidden:workshop' }));
    expect(decideAccess(facts({ project: { ...fork, ownerId: 'other' }, workshop: running }), 'other')).toMatchObject({ role: 'owner' });
  });

  it('checkAccess keeps share holders out where asked, and refuses too low a role', () => {
    const share = decideAccess(facts({ shareSandboxId: 'sb' }), 'holder');
    expect(checkAccess(share, 'viewer')).toMatchObject({ via: 'share' });
    expect(() => checkAccess(share, 'viewer', { shareLinks: false })).toThrow(expect.objectContaining({ code: 'forbidden:project' }));
    expect(() => checkAccess(undefined, 'viewer')).toThrow(expect.objectContaining({ code: 'not_found:project' }));
  });
});
