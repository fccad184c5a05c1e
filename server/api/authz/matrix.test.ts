import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChat } from '@/db/queries/chats';
import { createFiles } from '@/db/queries/files';
import { createInvite } from '@/db/queries/members';
import { deleteProject, insertProject } from '@/db/queries/projects';
import { grantShare, rotateShareLink, shareLinkBySlug } from '@/db/queries/sharing';
import { projectMember, type User } from '@/db/schema';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { AppError } from '@/lib/errors';
import { appRouter, createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { startSession } from '@/server/auth/request-user';
import { createWorkshop } from '@/server/workshop/service';
import { workshopSettingsSchema } from '@/lib/workshop';
import { expectations, IDENTITIES, type Fixture, type Identity, type Verdict } from '@/server/api/authz/expectations';

// Every procedure of appRouter × every kind of caller, from one table (./expectations.ts). A call is
// denied when the access policy stops it (unauthorized:auth, not_found:project, forbidden:project);
// anything else (success, or a business error past the guard) counts as allowed.

// A workshop's teacher-only doors answer not_found:workshop to everyone else.
const DENIALS = new Set(['unauthorized:auth', 'not_found:project', 'forbidden:project', 'not_found:workshop']);

let testDb: TestDb;
let users: Record<Exclude<Identity, 'anonymous'>, User>;
const sessions = new Map<string, string>();

beforeAll(async () => {
  testDb = await createTestDb();
  const [owner, editor, viewer, share, stranger] = (await seedUsers(testDb.db, 5)) as [User, User, User, User, User];
  users = { owner, editor, viewer, share, stranger };
  for (const user of Object.values(users)) sessions.set(user.id, (await startSession(testDb.db, user.id)).sessionId);
});
afterAll(() => testDb.close());

async function fixture(): Promise<Fixture> {
  const db = testDb.db;
  const project = await insertProject(db, { ownerId: users.owner.id, title: 'matrix', template: null });
  await createFiles(db, project.id, [{ path: 'a.txt', content: new TextEncoder().encode('a') }]);
  const chat = await createChat(db, project.id);
  await db.insert(projectMember).values([
    { projectId: project.id, userId: users.editor.id, role: 'editor' },
    { projectId: project.id, userId: users.viewer.id, role: 'viewer' },
  ]);
  const { slug } = await rotateShareLink(db, project.id);
  await grantShare(db, (await shareLinkBySlug(db, slug))!.id, users.share.id);
  const invite = await createInvite(db, project.id, 'viewer');
  // The owner teaches a workshop from the project.
  const workshop = await createWorkshop(db, users.owner, { projectId: project.id, title: 'matrix', settings: workshopSettingsSchema.parse({}) });
  return { projectId: project.id, chatId: chat.id, editorId: users.editor.id, inviteId: invite.id, inviteToken: invite.token, slug, workshopId: workshop.id, joinCode: workshop.code };
}

async function verdict(path: string, who: Identity, input: unknown): Promise<Verdict> {
  const user = who === 'anonymous' ? null : users[who];
  const caller = createCaller(createContextInner({ db: testDb.db, user, sessionId: user ? sessions.get(user.id) : undefined }));
  const fn = path.split('.').reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (i: unknown) => Promise<unknown>;
  try {
    const result = await fn(input);
    // A streaming procedure (chat.send) reports through its first event.
    if (result && typeof result === 'object' && Symbol.asyncIterator in result) {
      for await (const _ of result as AsyncIterable<unknown>) break;
    }
    return 'allow';
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return cause instanceof AppError && DENIALS.has(cause.code) ? 'deny' : 'allow';
  }
}

describe('authorization matrix', () => {
  it('has an expectation for every procedure of the router, and none for a procedure that is gone', () => {
    expect(Object.keys(appRouter._def.procedures).sort()).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.keys(appRouter._def.procedures).sort())('%s', async (path) => {
    const expectation = expectations[path];
    expect(expectation, `no expectation for ${path}: add it to server/api/authz/expectations.ts`).toBeDefined();
    const got: Record<string, Verdict> = {};
    const want: Record<string, Verdict> = {};
    for (const who of IDENTITIES) {
      const fx = await fixture();
      got[who] = await verdict(path, who, expectation!.input?.(fx));
      want[who] = expectation!.allow.includes(who) ? 'allow' : 'deny';
      await deleteProject(testDb.db, fx.projectId);
    }
    expect(got).toEqual(want);
  });
});
