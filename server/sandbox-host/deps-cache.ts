import 'server-only';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import type { SandboxDirs } from '@/server/sandbox-host/bwrap';
import { lockfileDigest, manifestKey, MAX_LOCKFILE_BYTES, MAX_MANIFEST_BYTES } from '@/server/sandbox-host/deps-key';
import { exists, linkedCopy, placeInto } from '@/server/sandbox-host/linked-copy';

// The installed-dependencies cache (<SANDBOX_DIR>/deps-cache/<manifest key>/{node_modules, package-lock.json,
// lock.sha256}). Filled only by the pre-warm script (a host-side install with scripts off); nothing in it ever
// comes from a sandbox, so no project can plant code that another project's install then trusts.
//
// A workspace without node_modules whose manifest matches an entry gets a copy of it before its first install
// (linked-copy.ts: hard links to the entry's root-owned, read-only files under directories of its own, so npm
// may remove, replace or add packages; node_modules/.package-lock.json a plain copy, npm rewrites it in place).

const HIDDEN_LOCKFILE = '.package-lock.json';
const ENTRY_NAME = /^[0-9a-f]{64}$/;

function entryDir(depsCache: string, key: string): string {
  if (!ENTRY_NAME.test(key)) throw new Error(`not a cache key: ${key}`);
  return path.join(depsCache, key);
}

/** Strips every write bit below `dir` (directories stay 755: the tree is root's, and only root writes it). */
async function makeReadOnly(dir: string): Promise<number> {
  let bytes = 0;
  for (const entry of await fs.promises.readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(entry.parentPath, entry.name);
    if (entry.isDirectory()) await fs.promises.chmod(p, 0o755);
    else if (entry.isFile()) {
      const stat = await fs.promises.lstat(p);
      await fs.promises.chmod(p, stat.mode & 0o555);
      bytes += stat.size;
    }
  }
  return bytes;
}

/**
 * Keeps what a trusted install produced in `projectDir` (its node_modules and package-lock.json) as the entry
 * for `packageJson`'s dependency fields, replacing an older one. `projectDir` must be on the cache's file
 * system (the pre-warm works in a folder inside the cache). Returns the entry's key and size.
 */
export async function storeInstalled(depsCache: string, packageJson: string, projectDir: string): Promise<{ key: string; bytes: number } | undefined> {
  const key = manifestKey(packageJson);
  if (!key) throw new Error('not a valid package.json');
  // No dependencies, nothing installed: nothing to seed.
  if (!(await exists(path.join(projectDir, 'node_modules')))) return undefined;
  const lock = await fs.promises.readFile(path.join(projectDir, 'package-lock.json'), 'utf8');
  const digest = lockfileDigest(lock);
  if (!digest) throw new Error('npm produced no valid package-lock.json');
  const staging = path.join(depsCache, `.new-${randomBytes(6).toString('hex')}`);
  await fs.promises.mkdir(staging, { mode: 0o700 });
  let bytes: number;
  try {
    await fs.promises.rename(path.join(projectDir, 'node_modules'), path.join(staging, 'node_modules'));
    await fs.promises.writeFile(path.join(staging, 'package-lock.json'), lock);
    await fs.promises.writeFile(path.join(staging, 'lock.sha256'), digest);
    bytes = await makeReadOnly(staging);
    await fs.promises.chmod(staging, 0o755);
  } catch (error) {
    await fs.promises.rm(staging, { recursive: true, force: true });
    throw error;
  }
  // Swapped in whole: a sandbox seeding meanwhile copies the old entry or the new one, never half of one.
  // Sandboxes seeded from the old entry keep their links; its inodes go when the last link does.
  const target = entryDir(depsCache, key);
  const old = path.join(depsCache, `.old-${randomBytes(6).toString('hex')}`);
  await fs.promises.rename(target, old).catch(() => {});
  await fs.promises.rename(staging, target);
  await fs.promises.rm(old, { recursive: true, force: true });
  return { key, bytes };
}

/** Removes entries whose key is not in `keep` (a template's dependencies changed) and leftovers of a stopped run. */
export async function pruneEntries(depsCache: string, keep: Set<string>): Promise<void> {
  for (const name of await fs.promises.readdir(depsCache).catch(() => [] as string[])) {
    if (ENTRY_NAME.test(name) ? keep.has(name) : !name.startsWith('.')) continue;
    await fs.promises.rm(path.join(depsCache, name), { recursive: true, force: true });
  }
}

export interface SeedResult {
  seeded: false | 'link' | 'copy';
  /** Why not, when not. */
  reason?: 'has-node_modules' | 'no-manifest' | 'no-entry' | 'lockfile-differs';
}

/**
 * Reads a workspace file through the sandbox's own file helper (never with the server's rights): its text,
 * undefined when there is no such file, null when there is one that cannot be read (too large, not a file).
 */
export type ReadInside = (relPath: string, maxBytes: number) => Promise<string | undefined | null>;

/** A ReadInside over a workspace's file helper. */
export function readerFor(helper: { request<T>(op: string, fields: Record<string, unknown>): Promise<T> }): ReadInside {
  return async (relPath, maxBytes) => {
    try {
      const data = Buffer.from((await helper.request<{ data: string }>('readFile', { path: relPath })).data, 'base64');
      return data.length <= maxBytes ? data.toString('utf8') : null;
    } catch (error) {
      return error instanceof AppError && error.code === 'not_found:file' ? undefined : null;
    }
  };
}

/** Seeding is a speed-up: when it fails, the install does the work as before. */
export const logSeedError = (projectId: string) => (error: unknown) => {
  console.error(`sandbox ${projectId}: seeding node_modules failed:`, error instanceof Error ? error.message : error);
};

/** Gives the workspace the cache's node_modules when it has none and its manifest (and lockfile, if any) match an entry. */
export async function seedDependencies(options: { depsCache: string; dirs: SandboxDirs; uid: number; read: ReadInside }): Promise<SeedResult> {
  const { depsCache, dirs, uid } = options;
  const target = path.join(dirs.workspace, 'node_modules');
  if (await exists(target)) return { seeded: false, reason: 'has-node_modules' };
  const packageJson = await options.read('package.json', MAX_MANIFEST_BYTES);
  const key = typeof packageJson === 'string' ? manifestKey(packageJson) : undefined;
  if (!key) return { seeded: false, reason: 'no-manifest' };
  const entry = entryDir(depsCache, key);
  if (!(await exists(path.join(entry, 'node_modules')))) return { seeded: false, reason: 'no-entry' };
  const lock = await options.read('package-lock.json', MAX_LOCKFILE_BYTES);
  if (lock !== undefined) {
    // One that cannot be read may pin anything: no seeding.
    const cached = await fs.promises.readFile(path.join(entry, 'lock.sha256'), 'utf8').catch(() => '');
    if (lock === null || lockfileDigest(lock) !== cached) return { seeded: false, reason: 'lockfile-differs' };
  }

  let mode: 'link' | 'copy' = 'link';
  const placed = await placeInto(dirs, target, async (dest) => {
    mode = await linkedCopy(path.join(entry, 'node_modules'), dest, uid, [HIDDEN_LOCKFILE]);
  });
  return placed ? { seeded: mode } : { seeded: false, reason: 'has-node_modules' };
}
