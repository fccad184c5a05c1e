import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { hashBytes } from '@/db/queries/blobs';
import { liveEntries, shareTree } from '@/db/queries/tree';
import * as schema from '@/db/schema';

// Migration 0011 on a database whose forks were made the old way (each a copy of its source's file rows):
// every project reads back exactly as before, and forks with the same untouched files share one tree.

const migrations = path.join(process.cwd(), 'db', 'migrations');
const before = fs.mkdtempSync(path.join(os.tmpdir(), 'migrations-'));
afterAll(() => fs.rmSync(before, { recursive: true, force: true }));

/** The migrations folder as it was before shared trees. */
function migrationsBeforeSharedTrees(): string {
  const journal = JSON.parse(fs.readFileSync(path.join(migrations, 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
  const upTo = journal.entries.findIndex((e) => e.tag.endsWith('_shared_trees'));
  journal.entries = journal.entries.slice(0, upTo);
  fs.mkdirSync(path.join(before, 'meta'));
  fs.writeFileSync(path.join(before, 'meta', '_journal.json'), JSON.stringify(journal));
  for (const { tag } of journal.entries) fs.copyFileSync(path.join(migrations, `${tag}.sql`), path.join(before, `${tag}.sql`));
  return before;
}

describe('migration 0011_shared_trees', () => {
  it('turns old forks into shared bases without changing what any project reads', async () => {
    const client = new PGlite();
    const db = drizzle(client, { schema, casing: 'snake_case' });
    try {
      await migrate(db, { migrationsFolder: migrationsBeforeSharedTrees() });
      const rows = async <T,>(query: ReturnType<typeof sql>) => (await db.execute(query)).rows as T[];
      const [owner] = await rows<{ id: string }>(sql`insert into "user" (display_name) values ('old') returning id`);
      const blobOf = async (text: string) => {
        const bytes = new TextEncoder().encode(text);
        await db.execute(sql`insert into blob (hash, size, content) values (${hashBytes(bytes)}, ${bytes.byteLength}, ${bytes}) on conflict do nothing`);
        return { hash: hashBytes(bytes), size: bytes.byteLength };
      };
      const newProject = async (forkedFrom: string | null) =>
        (await rows<{ id: string }>(sql`insert into project (owner_id, title, forked_from_id) values (${owner!.id}, 'p', ${forkedFrom}) returning id`))[0]!.id;
      const src = await newProject(null);
      for (const name of ['a.txt', 'b.txt', 'c/d.txt']) {
        const b = await blobOf(name);
        await db.execute(sql`insert into project_file (project_id, path, blob_hash, size, version) values (${src}, ${name}, ${b.hash}, ${b.size}, 3)`);
      }
      // The old forkProject: a project row and a copy of the source's file rows, version 1, in one transaction.
      const oldFork = (from: string) =>
        db.transaction(async (tx) => {
          const [row] = (await tx.execute(sql`insert into project (owner_id, title, forked_from_id) values (${owner!.id}, 'f', ${from}) returning id`)).rows as { id: string }[];
          await tx.execute(sql`insert into project_file (project_id, path, blob_hash, size, version, updated_at)
            select ${row!.id}, path, blob_hash, size, 1, now() from project_file where project_id = ${from}`);
          return row!.id;
        });
      const [plain, twin, edited, trimmed] = [await oldFork(src), await oldFork(src), await oldFork(src), await oldFork(src)];
      const e = await blobOf('edited');
      await db.execute(sql`update project_file set blob_hash = ${e.hash}, size = ${e.size}, version = 2, updated_at = now() + interval '1 second' where project_id = ${edited} and path = 'a.txt'`);
      await db.execute(sql`delete from project_file where project_id = ${trimmed} and path = 'b.txt'`);
      const grandchild = await oldFork(edited);
      const all = [src, plain, twin, edited, trimmed, grandchild];
      const old = new Map<string, unknown>();
      for (const id of all) {
        old.set(id, await rows(sql`select path, blob_hash as hash, size, version, updated_at as "updatedAt" from project_file where project_id = ${id} order by path`));
      }

      await migrate(db, { migrationsFolder: migrations });

      for (const id of all) {
        const now = (await liveEntries(db, id)).map((f) => ({ ...f, updatedAt: f.updatedAt.toISOString() }));
        const was = (old.get(id) as { updatedAt: Date | string }[]).map((f) => ({ ...f, updatedAt: new Date(f.updatedAt).toISOString() }));
        expect(now, id).toEqual(was);
      }
      const bases = await rows<{ id: string; base: string | null; own: number }>(
        sql`select p.id, p.base_tree_id as base, (select count(*)::int from project_file f where f.project_id = p.id) as own from project p`,
      );
      const of = (id: string) => bases.find((b) => b.id === id)!;
      expect(of(src)).toMatchObject({ base: null, own: 3 });
      expect(of(plain)).toMatchObject({ own: 0 });
      expect(of(twin)).toMatchObject({ base: of(plain).base, own: 0 });
      expect(of(edited)).toMatchObject({ own: 1 });
      expect(of(edited).base).not.toBe(of(plain).base);
      expect(of(trimmed).own).toBe(0);
      expect(of(grandchild)).toMatchObject({ own: 0 });
      expect(await rows(sql`select count(*)::int as n from tree`)).toEqual([{ n: 4 }]);
      // The migration hashes a tree as treeHash does: a new fork of an old one reuses its tree.
      expect(await db.transaction((tx) => shareTree(tx, twin))).toBe(of(plain).base);
    } finally {
      await client.close();
    }
  });
});
