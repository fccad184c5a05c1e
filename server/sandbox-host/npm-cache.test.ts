import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { prewarmNpmCache } from '@/server/sandbox-host/npm-cache';

// The shared cache makes installs work with no network at all, and no sandbox can change it: a fresh
// sandbox's ~/.npm links to its content files (root's, read-only) and copies its index.

const P = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
let dataDir: string;
let manager: SandboxManager;

function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

/** Every file with its mode, owner and content hash. */
function fingerprint(dir: string): string[] {
  return listing(dir).map((rel) => {
    const stat = fs.lstatSync(path.join(dir, rel));
    const content = stat.isFile() ? createHash('sha256').update(fs.readFileSync(path.join(dir, rel))).digest('hex') : '';
    return `${rel} ${stat.mode.toString(8)} ${stat.uid} ${content}`;
  });
}

beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-npm-cache-'));
  await prewarmNpmCache({
    cacheDir: path.join(dataDir, 'npm-cache'),
    packages: { tiny: JSON.stringify({ name: 'tiny', private: true, dependencies: { 'is-number': '7.0.0' } }) },
  });
  manager = new SandboxManager(defaultConfig(dataDir));
}, 120_000);

afterAll(async () => {
  await manager?.dispose();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('shared npm cache', () => {
  it('installs a pre-warmed package with the network off, leaving the shared cache untouched', async () => {
    const shared = path.join(dataDir, 'npm-cache');
    const before = fingerprint(shared);
    const workspace = manager.get(P);
    await manager.ready(P);
    await workspace.fsRequest('writeFile', { path: 'package.json', data: Buffer.from('{"name":"x","private":true}').toString('base64') });
    const proc = await workspace.spawn('sh', ['-c', 'npm install is-number@7.0.0 --offline; echo npm=$?; node -p "require(\'is-number\')(1)"; touch /opt/npm-cache/evil 2>&1; ls /opt/npm-cache 2>&1; echo end'], { network: 'off' });
    let output = '';
    proc.onOutput((c) => (output += c));
    const exit = await proc.exit;
    expect(exit.code, output).toBe(0);
    expect(output).toMatch(/added 1 package/);
    expect(output).toContain('npm=0');
    expect(output).toMatch(/^true$/m);
    expect(fingerprint(shared)).toEqual(before);
    expect(fs.existsSync(path.join(shared, 'evil'))).toBe(false);
    // Owned by root and read-only to everyone else.
    const stat = fs.statSync(path.join(shared, '_cacache'));
    expect(stat.uid).toBe(0);
    expect(stat.mode & 0o022).toBe(0);
  }, 60_000);

  it("links a fresh sandbox's cache to the shared content, which the sandbox cannot change", async () => {
    const shared = path.join(dataDir, 'npm-cache');
    const before = fingerprint(shared);
    const id = 'cccccccc-cccc-4ccc-8ccc-000000000002';
    const workspace = manager.get(id);
    await manager.ready(id);
    const content = listing(path.join(shared, '_cacache/content-v2')).find((rel) => fs.statSync(path.join(shared, '_cacache/content-v2', rel)).isFile())!;
    const linked = fs.statSync(path.join(workspace.dirs.home, '.npm/_cacache/content-v2', content));
    expect(linked.ino).toBe(fs.statSync(path.join(shared, '_cacache/content-v2', content)).ino);
    const script = [
      'for f in $(find ~/.npm/_cacache/content-v2 -type f); do',
      '  (echo pwned >> "$f") 2>/dev/null && echo wrote; chmod 666 "$f" 2>/dev/null && echo chmodded; truncate -s 0 "$f" 2>/dev/null && echo truncated;',
      'done',
      'echo index >> "$(find ~/.npm/_cacache/index-v5 -type f | head -1)" && echo index-appended',
    ].join('\n');
    const proc = await workspace.spawn('sh', ['-c', script], { network: 'off' });
    let output = '';
    proc.onOutput((c) => (output += c));
    await proc.exit;
    expect(output).toContain('index-appended');
    expect(output).not.toMatch(/wrote|chmodded|truncated/);
    expect(fingerprint(shared)).toEqual(before);
  }, 60_000);
});
