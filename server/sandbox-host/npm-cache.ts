import 'server-only';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxPath, type SandboxDirs } from '@/server/sandbox-host/bwrap';
import { pruneEntries, storeInstalled } from '@/server/sandbox-host/deps-cache';
import { linkedCopy, placeInto } from '@/server/sandbox-host/linked-copy';

// The shared npm cache for host sandboxes (<SANDBOX_DIR>/npm-cache). Filled by the pre-warm script with
// the templates' dependencies; root-owned and never writable by a sandbox. Each sandbox gets its own
// cache in its home: npm needs a writable cache, and a cache shared read-write would let one project plant
// packages for another. A home without one gets hard links to the shared content (`linkNpmCache`); a
// home that has one gets what a newer pre-warm added copied in (sandbox-fs.mjs `seedCache`).
// Installs inside sandboxes run with prefer-offline, so a template installs from the copy.
// With `depsCache`, each install's node_modules is kept too (deps-cache.ts): a sandbox of a project with the
// same dependencies then starts with them installed, and its `npm install` finds everything up to date.

export interface PrewarmOptions {
  cacheDir: string;
  /** name → package.json text. */
  packages: Record<string, string>;
  registry?: string;
  /** <SANDBOX_DIR>/deps-cache: also keep each package's installed node_modules there. */
  depsCache?: string;
  log?: (line: string) => void;
}

function npm(args: string[], cwd: string, cacheDir: string, registry?: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('npm', args, {
      cwd,
      env: {
        PATH: sandboxPath(),
        HOME: cwd,
        npm_config_cache: cacheDir,
        npm_config_update_notifier: 'false',
        npm_config_fund: 'false',
        npm_config_audit: 'false',
        ...(registry ? { npm_config_registry: registry } : {}),
      } as unknown as NodeJS.ProcessEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/**
 * Installs each package.json once (scripts off: nothing of the packages runs on the host) with the shared
 * cache, then stamps the cache so sandboxes know to refresh their copy.
 */
export async function prewarmNpmCache(options: PrewarmOptions): Promise<{ packages: string[]; bytes: number; depsBytes: number }> {
  const log = options.log ?? (() => {});
  const { depsCache } = options;
  fs.mkdirSync(options.cacheDir, { recursive: true, mode: 0o755 });
  if (depsCache) {
    fs.mkdirSync(depsCache, { recursive: true, mode: 0o755 });
    fs.chmodSync(depsCache, 0o755);
  }
  // Inside the deps cache when there is one: its node_modules are then moved in, not copied.
  const work = fs.mkdtempSync(depsCache ? path.join(depsCache, '.work-') : path.join(os.tmpdir(), 'ide-prewarm-'));
  const keys = new Set<string>();
  let depsBytes = 0;
  try {
    for (const [name, packageJson] of Object.entries(options.packages)) {
      const dir = path.join(work, name);
      fs.mkdirSync(dir);
      fs.writeFileSync(path.join(dir, 'package.json'), packageJson);
      const started = Date.now();
      const result = await npm(['install', '--ignore-scripts', '--no-audit', '--no-fund'], dir, options.cacheDir, options.registry);
      if (result.code !== 0) throw new Error(`npm install for ${name} failed:\n${result.output.slice(-2000)}`);
      log(`${name}: installed into the cache in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      if (depsCache) {
        const stored = await storeInstalled(depsCache, packageJson, dir);
        if (stored) keys.add(stored.key);
        depsBytes += stored?.bytes ?? 0;
      }
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  if (depsCache) await pruneEntries(depsCache, keys);
  // Readable by every sandbox uid, writable by none.
  let bytes = 0;
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        fs.chmodSync(p, 0o755);
        walk(p);
      } else if (entry.isFile()) {
        fs.chmodSync(p, 0o644);
        bytes += fs.statSync(p).size;
      }
    }
  };
  fs.chmodSync(options.cacheDir, 0o755);
  walk(options.cacheDir);
  fs.writeFileSync(path.join(options.cacheDir, '.stamp'), new Date().toISOString(), { mode: 0o644 });
  return { packages: Object.keys(options.packages), bytes, depsBytes };
}

/**
 * A fresh sandbox's npm cache at ~/.npm: hard links to the shared cache's content files (immutable, named by
 * their hash; linked-copy.ts) and a copy of its index (npm appends to it). False when the home has a cache
 * already or there is no shared one: then the file helper's seedCache copies what is new.
 */
export async function linkNpmCache(npmCache: string, dirs: SandboxDirs, uid: number): Promise<boolean> {
  const stamp = await fs.promises.readFile(path.join(npmCache, '.stamp'), 'utf8').catch(() => '');
  if (!stamp) return false;
  return placeInto(dirs, path.join(dirs.home, '.npm'), async (dest) => {
    await fs.promises.mkdir(dest, { mode: 0o755 });
    await linkedCopy(path.join(npmCache, '_cacache'), path.join(dest, '_cacache'), uid, ['index-v5']);
    await fs.promises.writeFile(path.join(dest, '.seeded-stamp'), stamp, { mode: 0o644 });
    await fs.promises.lchown(path.join(dest, '.seeded-stamp'), uid, uid);
    await fs.promises.lchown(dest, uid, uid);
  });
}
