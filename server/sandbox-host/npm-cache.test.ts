import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { prewarmNpmCache } from '@/server/sandbox-host/npm-cache';

// The shared cache makes installs work with no network at all, and no sandbox can change it.

const P = 'cccccccc-cccc-4ccc-8ccc-cccccccccccc';
let dataDir: string;
let manager: SandboxManager;

function listing(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
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
    const before = listing(shared);
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
    expect(listing(shared)).toEqual(before);
    expect(fs.existsSync(path.join(shared, 'evil'))).toBe(false);
    // Owned by root and read-only to everyone else.
    const stat = fs.statSync(path.join(shared, '_cacache'));
    expect(stat.uid).toBe(0);
    expect(stat.mode & 0o022).toBe(0);
  }, 60_000);
});
