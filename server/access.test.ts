import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertProject } from '@/db/queries/projects';
import { projectMember, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { allows, projectAccess, requireAccess } from '@/server/access';

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
