import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import type { User } from '@/db/schema';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';

let testDb: TestDb;
let owner: User;
let stranger: User;
let projectId: string;
const as = (user: User) => createCaller(createContextInner({ db: testDb.db, user }));

beforeAll(async () => {
  testDb = await createTestDb();
  [owner, stranger] = (await seedUsers(testDb.db, 2)) as [User, User];
  projectId = (await as(owner).project.create({ title: 'search' })).id;
  const files: [string, string][] = [
    ['src/App.tsx', 'export function App() {\n  return <h1>Hello Vite</h1>;\n}\n'],
    ['src/math.ts', 'export const add = (a: number, b: number) => a + b;\n// hello again\n'],
    ['README.md', 'Nothing to see.\nhelloworld is one word\n'],
  ];
  for (const [path, content] of files) await as(owner).files.create({ projectId, path, content });
  await as(owner).files.create({ projectId, path: 'logo.bin', content: Buffer.from([0, 104, 101, 108, 108, 111]).toString('base64'), encoding: 'base64' });
});
afterAll(() => testDb.close());

describe('files.search', () => {
  it('finds text across files, case-insensitively by default, with line, column and preview', async () => {
    const result = await as(owner).files.search({ projectId, query: 'hello' });
    expect(result.truncated).toBe(false);
    expect(result.files.map((f) => f.path)).toEqual(['README.md', 'src/App.tsx', 'src/math.ts']);
    const app = result.files.find((f) => f.path === 'src/App.tsx')!;
    expect(app.matches).toEqual([{ line: 2, column: 14, length: 5, preview: '  return <h1>Hello Vite</h1>;', previewOffset: 13 }]);
  });

  it('honours case sensitivity and whole words, and skips binary files', async () => {
    const exact = await as(owner).files.search({ projectId, query: 'Hello', caseSensitive: true });
    expect(exact.files.map((f) => f.path)).toEqual(['src/App.tsx']);
    const words = await as(owner).files.search({ projectId, query: 'hello', wholeWord: true });
    expect(words.files.map((f) => f.path)).toEqual(['src/App.tsx', 'src/math.ts']);
  });

  it('stops at maxMatches and says so', async () => {
    const result = await as(owner).files.search({ projectId, query: 'e', maxMatches: 2 });
    expect(result.truncated).toBe(true);
    expect(result.files.flatMap((f) => f.matches)).toHaveLength(2);
  });

  it('treats the query as text, not a pattern', async () => {
    expect((await as(owner).files.search({ projectId, query: '(a: number' })).files.map((f) => f.path)).toEqual(['src/math.ts']);
    expect((await as(owner).files.search({ projectId, query: '.*' })).files).toEqual([]);
  });

  it('is closed to people without a role and validates its input', async () => {
    await expect(as(stranger).files.search({ projectId, query: 'hello' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(as(owner).files.search({ projectId, query: '' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(as(owner).files.search({ projectId, query: 'x'.repeat(201) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
  });
});
