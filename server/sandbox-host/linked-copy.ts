import 'server-only';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { SandboxDirs } from '@/server/sandbox-host/bwrap';

// A sandbox's cheap copy of a root-owned, read-only tree (the installed-dependencies cache, the shared npm
// cache): hard links to its files, under directories owned by the sandbox. A sandbox can read a linked file,
// delete or replace its link, never change the shared inode (root's, no write bit). Why not an overlay mount:
// the bubblewrap we need (0.8, Debian 12) has no --overlay, and a kernel overlay per sandbox is state to mount
// and unmount around every process; `cp -al` of the Vite template's node_modules (1,100 entries) takes ~25 ms.
// Across file systems hard links cannot work: then it is a plain copy, owned by the sandbox.

const run = promisify(execFile);
export const exists = (p: string) => fs.promises.lstat(p).then(() => true, () => false);

/**
 * Copies `source` to `dest` (a new path in a folder of root's, out of any sandbox's sight) for `uid`.
 * `ownCopies` (paths relative to `source`) are always plain copies of the sandbox's own: files a program
 * rewrites in place (npm's hidden lockfile, cacache's index buckets).
 */
export async function linkedCopy(source: string, dest: string, uid: number, ownCopies: string[] = []): Promise<'link' | 'copy'> {
  let mode: 'link' | 'copy' = (await fs.promises.stat(source)).dev === (await fs.promises.stat(path.dirname(dest))).dev ? 'link' : 'copy';
  if (mode === 'link') {
    await run('cp', ['-al', '--', source, dest]).catch(async () => {
      await fs.promises.rm(dest, { recursive: true, force: true });
      mode = 'copy';
    });
  }
  if (mode === 'copy') await run('cp', ['-a', '--', source, dest]);
  const own: string[] = [];
  if (mode === 'link') {
    for (const rel of ownCopies) {
      const from = path.join(source, rel);
      const to = path.join(dest, rel);
      if (!(await exists(from))) continue;
      await fs.promises.rm(to, { recursive: true, force: true });
      await run('cp', ['-a', '--', from, to]);
      // Newer than the folder it was just put in: npm trusts its hidden lockfile only when nothing beside it is newer.
      const now = new Date();
      await fs.promises.utimes(to, now, now);
      own.push(to);
    }
  }
  await fs.promises.lchown(dest, uid, uid);
  for (const entry of await fs.promises.readdir(dest, { withFileTypes: true, recursive: true })) {
    const p = path.join(entry.parentPath, entry.name);
    const owned = mode === 'copy' || own.some((o) => p === o || p.startsWith(`${o}/`));
    if (owned || entry.isDirectory()) await fs.promises.lchown(p, uid, uid);
    // Its own copy, its owner may write again (never chmod through a symlink).
    if (owned && entry.isFile()) await fs.promises.chmod(p, (await fs.promises.lstat(p)).mode | 0o200);
  }
  return mode;
}

/**
 * Builds a tree in a fresh folder of the sandbox's base (root's), then renames it to `target` (in the
 * workspace or home) unless something is there by then: rename never follows a symlink planted at the
 * target, and fails on a folder that is not empty. Returns false when the target already existed.
 */
export async function placeInto(dirs: SandboxDirs, target: string, build: (dest: string) => Promise<void>): Promise<boolean> {
  if (await exists(target)) return false;
  const staging = path.join(dirs.base, `.seed-${randomBytes(6).toString('hex')}`);
  await fs.promises.mkdir(staging, { mode: 0o700 });
  try {
    const dest = path.join(staging, path.basename(target));
    await build(dest);
    if (await exists(target)) return false;
    await fs.promises.rename(dest, target);
    return true;
  } finally {
    await fs.promises.rm(staging, { recursive: true, force: true });
  }
}
