import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import * as schema from '@/db/schema';

export type Db = ReturnType<typeof drizzlePglite<typeof schema>>;

export type DbOptions =
  | { kind: 'pglite'; dataDir?: string } // dataDir unset → in memory
  | { kind: 'postgres'; url: string; max?: number };

export interface DbHandle {
  db: Db;
  close: () => Promise<void>;
}

const migrationsFolder = path.join(process.cwd(), 'db', 'migrations');

/** Opens a database and applies committed migrations. PGlite and PostgreSQL run the same files. */
export async function createDb(options: DbOptions): Promise<DbHandle> {
  if (options.kind === 'postgres') {
    const sqlClient = postgres(options.url, { max: options.max ?? 10, onnotice: () => {} });
    const db = drizzlePostgres(sqlClient, { schema, casing: 'snake_case' });
    await migratePostgres(db, { migrationsFolder });
    // Both drivers expose the same query builder; the PGlite type stands for both in signatures.
    return { db: db as unknown as Db, close: () => sqlClient.end() };
  }
  if (options.dataDir) makePrivateDir(options.dataDir);
  const client = new PGlite(options.dataDir);
  const db = drizzlePglite(client, { schema, casing: 'snake_case' });
  await migratePglite(db, { migrationsFolder });
  // PGlite's file system layer creates its files 0666 whatever the umask: take group and others off.
  if (options.dataDir) restrictTree(options.dataDir);
  return { db, close: () => client.close() };
}

/** Creates a folder only its owner may enter (mode 0700, also when it existed with a wider mode). */
export function makePrivateDir(dir: string): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  fs.chmodSync(dir, 0o700);
}

/** Removes group and other permissions from everything under dir (symlinks are left alone). */
function restrictTree(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isSymbolicLink()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const mode = fs.statSync(file).mode & 0o7777;
    if (mode & 0o077) fs.chmodSync(file, mode & ~0o077);
  }
}
