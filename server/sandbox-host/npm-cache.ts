import 'server-only';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sandboxPath } from '@/server/sandbox-host/bwrap';
import { pruneEntries, storeInstalled } from '@/server/sandbox-host/deps-cache';

// The shared npm cache for host sandboxes (<DATA_DIR>/npm-cache). Filled by the pre-warm script with
// the templates' dependencies; root-owned and never writable by a sandbox. Each sandbox gets its own
// copy in its home on first use after a pre-warm (sandbox-fs.mjs `seedCache`): npm needs a writable
// cache, and a cache shared read-write would let one project plant packages for another.
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
        keys.add(stored.key);
        depsBytes += stored.bytes;
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
