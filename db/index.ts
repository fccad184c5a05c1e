import 'server-only';
import path from 'node:path';
import { createDb, makePrivateDir, type Db, type DbHandle } from '@/db/client';
import { dataDir, env } from '@/lib/env';

// Cached on globalThis so that dev hot reloads and the custom server share one connection
// (a PGlite data folder can only be opened once per process).
const globalForDb = globalThis as unknown as { __ideDb?: Promise<DbHandle> };

export function getDbHandle(): Promise<DbHandle> {
  // DATA_DIR holds the database and the session secret: owner-only.
  if (!globalForDb.__ideDb) makePrivateDir(dataDir);
  globalForDb.__ideDb ??= createDb(
    env.DATABASE_URL
      ? { kind: 'postgres', url: env.DATABASE_URL }
      : { kind: 'pglite', dataDir: path.join(dataDir, 'pglite') },
  ).catch((error: unknown) => {
    globalForDb.__ideDb = undefined;
    throw error;
  });
  return globalForDb.__ideDb;
}

export async function getDb(): Promise<Db> {
  return (await getDbHandle()).db;
}

export type { Db };
