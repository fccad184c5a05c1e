import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '@/server/sandbox-host/config';
import { manifestKey } from '@/server/sandbox-host/deps-key';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { prewarmNpmCache } from '@/server/sandbox-host/npm-cache';
import type { Workspace } from '@/server/sandbox-host/workspace';

// The installed-dependencies cache: filled only by the pre-warm, copied into a new workspace as hard links a
// sandbox cannot change, after which npm (network off) finds everything up to date and may still change its
// own node_modules. Real bubblewrap, real npm against a real pre-warmed cache.

// is-odd@3 brings is-number@6 nested under it, so replacing the top-level is-number stays offline.
const DEPS = { 'is-number': '7.0.0', 'is-odd': '3.0.1' };
const manifest = (name: string, deps: Record<string, string> = DEPS) => JSON.stringify({ name, private: true, scripts: { x: 'true' }, dependencies: deps });
const FILE = 'node_modules/is-number/index.js';
const ids = (n: number) => `dddddddd-dddd-4ddd-8ddd-${String(n).padStart(12, '0')}`;
let dataDir: string;
let shmDir: string;
let manager: SandboxManager;
let entry: string;
let project = 0;

const b64 = (text: string) => Buffer.from(text).toString('base64');
/** Every file of the tree with its content hash and mode, to see that nothing in it changed. */
function fingerprint(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }) as string[]).sort().map((rel) => {
    const stat = fs.lstatSync(path.join(dir, rel));
    const content = stat.isFile() ? createHash('sha256').update(fs.readFileSync(path.join(dir, rel))).digest('hex') : '';
    return `${rel} ${stat.mode.toString(8)} ${stat.uid} ${content}`;
  });
}

async function sh(workspace: Workspace, script: string): Promise<{ code: number | null; output: string; ms: number }> {
  const started = performance.now();
  const proc = await workspace.spawn('sh', ['-c', script], { network: 'off' });
  let output = '';
  proc.onOutput((c) => (output += c));
  const { code } = await proc.exit;
  return { code, output, ms: performance.now() - started };
}

/** A fresh workspace holding these files, mounted the way a page or a share visitor mounts a project. */
async function mounted(files: Record<string, string>, m = manager): Promise<Workspace> {
  const id = ids(++project);
  const workspace = m.get(id);
  await m.ready(id);
  await workspace.fsRequest('mount', { tree: Object.fromEntries(Object.entries(files).map(([p, text]) => [p, b64(text)])) });
  return workspace;
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-deps-cache-'));
  const config = defaultConfig(dataDir);
  // A template without dependencies (the static site) installs nothing and has no entry.
  await prewarmNpmCache({ cacheDir: config.npmCache, depsCache: config.depsCache, packages: { tiny: manifest('tiny'), none: JSON.stringify({ name: 'none' }) } });
  expect(fs.readdirSync(config.depsCache)).toEqual([manifestKey(manifest('tiny'))]);
  manager = new SandboxManager(config);
  entry = path.join(config.depsCache, manifestKey(manifest('tiny'))!);
}, 120_000);

afterAll(async () => {
  await manager?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (shmDir) fs.rmSync(shmDir, { recursive: true, force: true });
});

describe('installed-dependencies cache', () => {
  it('seeds a matching project with links to read-only files; npm (network off) finds it up to date', async () => {
    const workspace = await mounted({ 'package.json': manifest('a fork with another name') });
    const seeded = fs.statSync(path.join(workspace.dirs.workspace, FILE));
    const cached = fs.statSync(path.join(entry, FILE));
    expect(seeded.ino).toBe(cached.ino);
    expect(seeded.uid).toBe(0);
    expect(seeded.mode & 0o222).toBe(0);
    const install = await sh(workspace, 'npm install --prefer-offline; echo npm=$?; node -p "require(\'is-odd\')(3)"');
    expect(install.output).toMatch(/up to date/);
    expect(install.output).toContain('npm=0');
    expect(install.output).toMatch(/^true$/m);
    console.log(`npm install in a seeded sandbox: ${Math.round(install.ms)} ms`);

    // The owner's install wrote package-lock.json (saved back to the project): the next sandbox still matches.
    const written = fs.readFileSync(path.join(workspace.dirs.workspace, 'package-lock.json'), 'utf8');
    const next = await mounted({ 'package.json': manifest('a fork with another name'), 'package-lock.json': written });
    expect(fs.statSync(path.join(next.dirs.workspace, FILE)).ino).toBe(cached.ino);
  }, 60_000);

  it('a sandbox cannot change a seeded file, and the cache stays as it was; npm still removes and replaces packages', async () => {
    const before = fingerprint(entry);
    const workspace = await mounted({ 'package.json': manifest('attacker') });
    const attempts = await sh(
      workspace,
      [
        `echo 'module.exports = () => "pwned"' >> ${FILE} && echo wrote`,
        `chmod 666 ${FILE} && echo chmodded`,
        `truncate -s 0 ${FILE} && echo truncated`,
        `touch -d 2001-01-01 ${FILE} && echo touched`,
        `node -e "require('fs').writeFileSync('${FILE}', 'pwned')" 2>/dev/null && echo node-wrote`,
        'echo done',
      ].join('; '),
    );
    expect(attempts.output).toContain('done');
    expect(attempts.output).not.toMatch(/wrote|chmodded|truncated|touched/);
    expect(fingerprint(entry)).toEqual(before);

    const changes = await sh(workspace, 'npm uninstall is-odd --offline && npm install is-number@6.0.0 --offline && node -p "require(\'is-number/package.json\').version"');
    expect(changes.code, changes.output).toBe(0);
    expect(changes.output).toMatch(/^6\.0\.0$/m);
    expect(fs.existsSync(path.join(workspace.dirs.workspace, 'node_modules/is-odd'))).toBe(false);
    expect(fingerprint(entry)).toEqual(before);
  }, 60_000);

  it('cannot be poisoned: what a sandbox plants in its node_modules never reaches the next project', async () => {
    const before = fingerprint(entry);
    const attacker = await mounted({ 'package.json': manifest('attacker') });
    const plant = await sh(
      attacker,
      // In place (the shared inode) where it can, else its own copy in place of the link, plus a package of its own.
      `(echo 'module.exports = () => "pwned"' > ${FILE}) 2>/dev/null || (rm ${FILE} && echo 'module.exports = () => "pwned"' > ${FILE}); ` +
        'mkdir -p node_modules/evil && echo planted > node_modules/evil/index.js && echo planted',
    );
    expect(plant.output).toContain('planted');
    const victim = await mounted({ 'package.json': manifest('victim') });
    const run = await sh(victim, 'node -p "require(\'is-number\')(5)"; ls node_modules');
    expect(run.output).toMatch(/^true$/m);
    expect(run.output).not.toContain('evil');
    expect(fingerprint(entry)).toEqual(before);
  }, 60_000);

  it('does not seed a project with other dependencies, its own node_modules, or another lockfile', async () => {
    const other = await mounted({ 'package.json': manifest('other', { 'is-number': '6.0.0' }) });
    expect(await other.seedDependencies()).toEqual({ seeded: false, reason: 'no-entry' });
    expect(fs.existsSync(path.join(other.dirs.workspace, 'node_modules'))).toBe(false);

    const own = await mounted({ 'package.json': manifest('own'), 'node_modules/mine.txt': 'mine' });
    expect(await own.seedDependencies()).toEqual({ seeded: false, reason: 'has-node_modules' });
    expect(fs.readdirSync(path.join(own.dirs.workspace, 'node_modules'))).toEqual(['mine.txt']);

    const lock = JSON.parse(fs.readFileSync(path.join(entry, 'package-lock.json'), 'utf8')) as { name: string; packages: Record<string, { version?: string }> };
    const renamed = JSON.stringify({ ...lock, name: 'renamed', packages: { ...lock.packages, '': { name: 'renamed' } } });
    const sameLock = await mounted({ 'package.json': manifest('renamed'), 'package-lock.json': renamed });
    expect(fs.existsSync(path.join(sameLock.dirs.workspace, FILE))).toBe(true);

    lock.packages['node_modules/is-number']!.version = '7.0.1';
    const otherLock = await mounted({ 'package.json': manifest('pinned'), 'package-lock.json': JSON.stringify(lock) });
    expect(await otherLock.seedDependencies()).toEqual({ seeded: false, reason: 'lockfile-differs' });
    expect(fs.existsSync(path.join(otherLock.dirs.workspace, 'node_modules'))).toBe(false);
  }, 60_000);

  it('reads the manifest inside the sandbox: a package.json symlinked to a host file matches nothing', async () => {
    const hostFile = path.join(dataDir, 'host-manifest.json');
    fs.writeFileSync(hostFile, manifest('on the host'), { mode: 0o600 });
    const id = ids(++project);
    const workspace = manager.get(id);
    fs.symlinkSync(hostFile, path.join(workspace.dirs.workspace, 'package.json'));
    expect(await workspace.seedDependencies()).toEqual({ seeded: false, reason: 'no-manifest' });
    expect(fs.existsSync(path.join(workspace.dirs.workspace, 'node_modules'))).toBe(false);
  }, 60_000);

  it('a manifest or lockfile that is a device, a FIFO or an endless /proc file neither stalls the mount nor seeds', async () => {
    for (const [manifestLink, lockfile] of [['/dev/zero', undefined], ['/proc/self/pagemap', undefined], [undefined, 'fifo']] as const) {
      const id = ids(++project);
      const workspace = manager.get(id);
      await manager.ready(id);
      const dir = workspace.dirs.workspace;
      if (manifestLink) fs.symlinkSync(manifestLink, path.join(dir, 'package.json'));
      else await workspace.fsRequest('writeFile', { path: 'package.json', data: b64(manifest('fifo')) });
      if (lockfile) expect((await sh(workspace, 'mkfifo package-lock.json')).code).toBe(0);
      const started = performance.now();
      const result = await workspace.seedDependencies();
      expect(result.seeded, `${manifestLink ?? lockfile}`).toBe(false);
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
    }
  }, 60_000);

  it('copies (owned by the sandbox) when the cache is on another file system', async () => {
    shmDir = fs.mkdtempSync('/dev/shm/ide-deps-');
    const config = defaultConfig(dataDir, { depsCache: shmDir });
    fs.cpSync(entry, path.join(shmDir, path.basename(entry)), { recursive: true, verbatimSymlinks: true });
    expect(fs.statSync(shmDir).dev).not.toBe(fs.statSync(config.root).dev);
    const other = new SandboxManager(config);
    try {
      const id = ids(++project);
      const workspace = other.get(id);
      await workspace.fsRequest('writeFile', { path: 'package.json', data: b64(manifest('far')) });
      expect(await workspace.seedDependencies()).toEqual({ seeded: 'copy' });
      const copied = fs.statSync(path.join(workspace.dirs.workspace, FILE));
      expect(copied.uid).toBe(workspace.uid);
      const install = await sh(workspace, 'npm install --prefer-offline; echo npm=$?');
      expect(install.output).toMatch(/up to date/);
      expect(install.output).toContain('npm=0');
    } finally {
      await other.dispose();
    }
  }, 60_000);
});
