import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { listFiles } from '@/db/queries/files';
import { project, type User } from '@/db/schema';
import { env } from '@/lib/env';
import { JOIN_CODE_ALPHABET } from '@/lib/workshop';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

// Workshops through the router, on a real (PGlite) database: the teacher's procedures, joining, the
// student's fork behind server/access.ts, pushing starter files, ending, the CSV.

let testDb: TestDb;
let teacher: User, ann: User, bob: User, stranger: User, late: User;
let starterId: string;
let workshopId: string;
let code: string;
let annFork: string;
let bobFork: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));
const appCode = (error: unknown) => (error as { cause?: { code?: string } }).cause?.code;
const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(() => null, (e: unknown) => e);
  expect(error, 'expected a refusal').not.toBeNull();
  return { code: (error as { code: string }).code, appCode: appCode(error), message: (error as Error).message };
};

beforeAll(async () => {
  testDb = await createTestDb();
  [teacher, ann, bob, stranger, late] = (await seedUsers(testDb.db, 5)) as [User, User, User, User, User];
  starterId = (await as(teacher).project.create({ title: 'starter' })).id;
  await as(teacher).files.create({ projectId: starterId, path: 'README.md', content: '# Starter\n' });
  await as(teacher).files.create({ projectId: starterId, path: 'src/index.js', content: 'export const a = 1;\n' });
});
afterAll(() => testDb.close());

describe('workshop router', () => {
  it('starts a workshop only from a project the teacher owns, with a readable code', async () => {
    expect(await refusal(as(stranger).workshop.create({ projectId: starterId, title: 'Theirs' }))).toMatchObject({ appCode: 'not_found:project' });
    const created = await as(teacher).workshop.create({ projectId: starterId, title: 'Intro to JS', settings: { agent: true, dailyTokens: 5000, approval: 'read-only', network: 'off' } });
    expect(created.code).toHaveLength(6);
    for (const ch of created.code) expect(JOIN_CODE_ALPHABET).toContain(ch);
    ({ id: workshopId, code } = created);
    expect(await as(teacher).workshop.ofProject({ projectId: starterId })).toEqual([{ id: workshopId, title: 'Intro to JS', code, ended: false }]);
    expect(await refusal(as(stranger).workshop.ofProject({ projectId: starterId }))).toMatchObject({ appCode: 'not_found:project' });
  });

  it('gives each student a fork of their own (the starter’s tree, same blobs), and the same fork when they come back', async () => {
    const typed = `${code.slice(0, 3).toLowerCase()} ${code.slice(3)}`;
    expect(await as(ann).workshop.preview({ code: typed })).toEqual({ title: 'Intro to JS', ended: false });
    const first = await as(ann).workshop.join({ code: typed, displayName: '  Ann  ' });
    expect(first.rejoined).toBe(false);
    annFork = first.projectId;
    expect(await as(ann).workshop.join({ code, displayName: 'Ann again' })).toEqual({ workshopId, projectId: annFork, rejoined: true });
    bobFork = (await as(bob).workshop.join({ code, displayName: 'Bob' })).projectId;
    expect(bobFork).not.toBe(annFork);

    const hashes = async (projectId: string) => (await listFiles(testDb.db, projectId)).map(({ path, hash }) => ({ path, hash }));
    expect(await hashes(annFork)).toEqual(await hashes(starterId));
    expect((await as(ann).files.read({ projectId: annFork, path: 'README.md' })).content).toBe('# Starter\n');
    // the teacher's settings are forced, and the student cannot change them
    expect((await as(ann).sandbox.config({ projectId: annFork })).settings).toMatchObject({ approval: 'read-only', network: 'off' });
    expect(await refusal(as(ann).sandbox.updateSettings({ projectId: annFork, network: 'full' }))).toMatchObject({ code: 'FORBIDDEN', appCode: 'forbidden:workshop' });
  });

  it('counts a fork against the student’s project limit, and refuses an end time in the past', async () => {
    const [hoarder] = (await seedUsers(testDb.db, 1)) as [User];
    await testDb.db.insert(project).values(Array.from({ length: env.PROJECTS_PER_USER }, (_, i) => ({ ownerId: hoarder.id, title: `p${i}` })));
    expect(await refusal(as(hoarder).workshop.join({ code, displayName: 'Hoarder' }))).toMatchObject({ appCode: 'rate_limit:project' });
    expect(await refusal(as(teacher).workshop.create({ projectId: starterId, title: 'Past', endsAt: new Date(Date.now() - 60_000) }))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('refuses unknown codes and names with invisible characters', async () => {
    expect(await refusal(as(stranger).workshop.join({ code: code === 'AAAAAA' ? 'BBBBBB' : 'AAAAAA', displayName: 'X' }))).toMatchObject({ appCode: 'not_found:workshop' });
    expect(await refusal(as(stranger).workshop.join({ code: 'O0I1L0', displayName: 'X' }))).toMatchObject({ code: 'BAD_REQUEST' });
    expect(await refusal(as(stranger).workshop.join({ code, displayName: 'evil\u202Etxt' }))).toMatchObject({ code: 'BAD_REQUEST' });
  });

  it('lets the teacher watch each fork read-only, and no student see another’s', async () => {
    expect(await as(teacher).project.byId({ projectId: annFork })).toMatchObject({ role: 'viewer' });
    expect(await refusal(as(teacher).files.write({ projectId: annFork, path: 'README.md', content: 'teacher', expectedVersion: 1 }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refusal(as(bob).files.read({ projectId: annFork, path: 'README.md' }))).toMatchObject({ appCode: 'not_found:project' });
    expect(await refusal(as(ann).project.byId({ projectId: bobFork }))).toMatchObject({ appCode: 'not_found:project' });
    expect(await refusal(as(bob).files.tree({ projectId: starterId }))).toMatchObject({ appCode: 'not_found:project' });
  });

  it('shows the dashboard to the teacher only', async () => {
    await as(ann).files.write({ projectId: annFork, path: 'README.md', content: '# Ann was here\n', expectedVersion: 1 });
    await as(ann).files.create({ projectId: annFork, path: 'notes.md', content: 'mine' });
    const dashboard = await as(teacher).workshop.dashboard({ workshopId });
    expect(dashboard.workshop).toMatchObject({ title: 'Intro to JS', code, ended: false });
    expect(dashboard.students.map((s) => [s.displayName, s.filesChanged, s.projectId])).toEqual([
      ['Ann', 2, annFork],
      ['Bob', 0, bobFork],
    ]);
    for (const user of [ann, stranger]) {
      expect(await refusal(as(user).workshop.dashboard({ workshopId }))).toMatchObject({ code: 'NOT_FOUND', appCode: 'not_found:workshop' });
      expect(await refusal(as(user).workshop.exportCsv({ workshopId }))).toMatchObject({ appCode: 'not_found:workshop' });
      expect(await refusal(as(user).workshop.announce({ workshopId, text: 'hi' }))).toMatchObject({ appCode: 'not_found:workshop' });
      expect(await refusal(as(user).workshop.pushStarter({ workshopId }))).toMatchObject({ appCode: 'not_found:workshop' });
      expect(await refusal(as(user).workshop.end({ workshopId }))).toMatchObject({ appCode: 'not_found:workshop' });
    }
  });

  it('announces to the students', async () => {
    await as(teacher).workshop.announce({ workshopId, text: 'Break until 11:00' });
    expect(await as(bob).workshop.forProject({ projectId: bobFork })).toMatchObject({ workshopId, announcement: 'Break until 11:00', ended: false, agent: true });
    expect(await as(teacher).workshop.forProject({ projectId: starterId })).toBeNull();
  });

  it('pushes new starter files to every fork, never over a student’s edit, and lists the conflicts', async () => {
    await as(teacher).files.create({ projectId: starterId, path: 'src/extra.test.js', content: 'test("x", () => {});\n' });
    await as(teacher).files.write({ projectId: starterId, path: 'README.md', content: '# Starter v2\n', expectedVersion: 1 });
    // Ann edited README.md and created notes.md; Bob touched nothing. The starter now has a notes.md too.
    await as(teacher).files.create({ projectId: starterId, path: 'notes.md', content: 'the teacher’s notes' });
    const result = await as(teacher).workshop.pushStarter({ workshopId });
    expect(result).toEqual({
      added: 3,
      updated: 1,
      conflicts: [
        { displayName: 'Ann', projectId: annFork, path: 'README.md' },
        { displayName: 'Ann', projectId: annFork, path: 'notes.md' },
      ],
    });
    expect((await as(ann).files.read({ projectId: annFork, path: 'src/extra.test.js' })).content).toBe('test("x", () => {});\n');
    expect((await as(ann).files.read({ projectId: annFork, path: 'README.md' })).content).toBe('# Ann was here\n');
    expect((await as(ann).files.read({ projectId: annFork, path: 'notes.md' })).content).toBe('mine');
    expect(await as(bob).files.read({ projectId: bobFork, path: 'README.md' })).toMatchObject({ content: '# Starter v2\n', version: 2 });
    expect((await as(bob).files.read({ projectId: bobFork, path: 'notes.md' })).content).toBe('the teacher’s notes');
    // pushing again adds nothing twice
    expect((await as(teacher).workshop.pushStarter({ workshopId })).added).toBe(0);
  });

  it('brings back a file the student deleted past every version they held: a stale tab of it cannot overwrite the push', async () => {
    // A tab still holds the file as created; the push must not land at that same version.
    const held = await as(bob).files.create({ projectId: bobFork, path: 'scratch.js', content: 'one' });
    await as(bob).files.remove({ projectId: bobFork, path: 'scratch.js' });
    await as(teacher).files.create({ projectId: starterId, path: 'scratch.js', content: 'from the teacher' });
    expect((await as(teacher).workshop.pushStarter({ workshopId })).added).toBe(2); // Ann's fork and Bob's
    const pushed = await as(bob).files.read({ projectId: bobFork, path: 'scratch.js' });
    expect(pushed.content).toBe('from the teacher');
    expect(pushed.version).toBeGreaterThan(held.version);
    const stale = as(bob).files.write({ projectId: bobFork, path: 'scratch.js', content: 'a tab from before the delete', expectedVersion: held.version });
    expect(await refusal(stale)).toMatchObject({ appCode: 'conflict:file' });
    expect((await as(bob).files.read({ projectId: bobFork, path: 'scratch.js' })).content).toBe('from the teacher');
  });

  it('exports CSV with formula-looking names defused', async () => {
    await as(late).workshop.join({ code, displayName: '=HYPERLINK("http://evil")' });
    const { csv, filename } = await as(teacher).workshop.exportCsv({ workshopId });
    expect(filename).toBe(`workshop-${code}.csv`);
    const lines = csv.trim().split('\n');
    expect(lines[0]).toBe('name,last activity (UTC),files changed,tests passed,tests failed,tests run by,tokens used,agent turns');
    expect(lines[1]).toMatch(/^Ann,\d{4}-\d\d-\d\dT[\d:.]+Z,2,,,,0,0$/);
    expect(lines[3]).toBe(`"'=HYPERLINK(""http://evil"")",${lines[3]!.split(',').slice(-7).join(',')}`);
  });

  it('ends: forks turn read-only with a clear message, and nothing saved is lost', async () => {
    await as(teacher).workshop.end({ workshopId });
    const refused = await refusal(as(ann).files.write({ projectId: annFork, path: 'README.md', content: 'after the end', expectedVersion: 2 }));
    expect(refused).toMatchObject({ code: 'FORBIDDEN', appCode: 'forbidden:workshop', message: expect.stringMatching(/"Intro to JS" has ended: this project is read-only\. Everything you saved is kept\./) });
    expect(await refusal(as(ann).sandbox.applyChanges({ projectId: annFork, put: [{ path: 'x.md', content: 'x' }], remove: [] }))).toMatchObject({ appCode: 'forbidden:workshop' });
    expect(await refusal(as(ann).files.create({ projectId: annFork, path: 'y.md', content: 'y' }))).toMatchObject({ appCode: 'forbidden:workshop' });
    expect(await refusal(as(ann).chat.create({ projectId: annFork }))).toMatchObject({ appCode: 'forbidden:workshop' });
    expect((await as(ann).files.read({ projectId: annFork, path: 'README.md' })).content).toBe('# Ann was here\n');
    expect((await as(ann).files.read({ projectId: annFork, path: 'notes.md' })).content).toBe('mine');
    expect(await as(ann).project.byId({ projectId: annFork })).toMatchObject({ role: 'viewer' });
    expect(await as(ann).workshop.forProject({ projectId: annFork })).toMatchObject({ ended: true });
    // the same identity comes back to the same (read-only) fork; nobody new joins
    expect(await as(ann).workshop.join({ code, displayName: 'Ann' })).toMatchObject({ projectId: annFork, rejoined: true });
    expect(await refusal(as(stranger).workshop.join({ code, displayName: 'Too late' }))).toMatchObject({ appCode: 'conflict:workshop' });
    expect(await refusal(as(teacher).workshop.pushStarter({ workshopId }))).toMatchObject({ appCode: 'conflict:workshop' });
    // the teacher's own starter is untouched by the end
    await as(teacher).files.create({ projectId: starterId, path: 'after.md', content: 'ok' });
  });
});
