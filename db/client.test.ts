import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb } from '@/db/client';

// Data at rest: PGlite's folder is owner-only, and so is every file in it (PGlite writes them 0666).

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-db-perm-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function widerThanOwner(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isSymbolicLink())
    .map((e) => path.join(e.parentPath, e.name))
    .filter((file) => (fs.statSync(file).mode & 0o077) !== 0);
}

describe('PGlite data folder', () => {
  it('is created 0700 with no file readable or writable by group or others', async () => {
    const dir = path.join(tmp, 'pglite');
    const handle = await createDb({ kind: 'pglite', dataDir: dir });
    await handle.close();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir).length).toBeGreaterThan(5);
    expect(widerThanOwner(dir)).toEqual([]);
  });

  it('tightens a folder an older version left open', async () => {
    const dir = path.join(tmp, 'pglite');
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(dir, 'PG_VERSION'), 0o666);
    const handle = await createDb({ kind: 'pglite', dataDir: dir });
    await handle.close();
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(widerThanOwner(dir)).toEqual([]);
  });
});
