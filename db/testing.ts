import { randomUUID } from 'node:crypto';
import postgres from 'postgres';
import { createDb, type Db } from '@/db/client';
import { user, type User } from '@/db/schema';
import { env } from '@/lib/env';

export interface TestDb {
  db: Db;
  close: () => Promise<void>;
  kind: 'pglite' | 'postgres';
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite by default; with DATABASE_URL set,
 * a throwaway database on that PostgreSQL server, dropped on close.
 */
export async function createTestDb(): Promise<TestDb> {
  if (!env.DATABASE_URL) {
    const handle = await createDb({ kind: 'pglite' });
    return { ...handle, kind: 'pglite' };
  }
  const name = `ide_test_${randomUUID().replaceAll('-', '')}`;
  const admin = postgres(env.DATABASE_URL, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name}`);
  const url = new URL(env.DATABASE_URL);
  url.pathname = `/${name}`;
  const handle = await createDb({ kind: 'postgres', url: url.toString(), max: 4 });
  return {
    db: handle.db,
    kind: 'postgres',
    close: async () => {
      await handle.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

export async function seedUsers(db: Db, count: number): Promise<User[]> {
  const rows = Array.from({ length: count }, (_, i) => ({ displayName: `user-${i}` }));
  return db.insert(user).values(rows).returning();
}
