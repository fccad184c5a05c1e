import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { placementProblems } from '@/server/sandbox-host/placement';

// Start-up refuses a DATA_DIR that sandboxes could see, and a SANDBOX_DIR that sandbox uids cannot reach.

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-placement-'));
fs.chmodSync(tmp, 0o755);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('where DATA_DIR and SANDBOX_DIR may lie', () => {
  const sandboxDir = path.join(tmp, 'sandboxes');

  it('accepts a DATA_DIR and a SANDBOX_DIR apart from each other and from what sandboxes see', () => {
    expect(placementProblems({ dataDir: path.join(tmp, 'data'), sandboxDir })).toEqual([]);
  });

  it('refuses a DATA_DIR inside a host folder bound into every sandbox (/usr, Node prefix, …)', () => {
    const [problem] = placementProblems({ dataDir: '/usr/local/lib/cloud-ide/.data', sandboxDir });
    expect(problem).toMatch(/DATA_DIR \(\/usr\/local\/lib\/cloud-ide\/\.data\) lies inside \/usr, which host sandboxes can read/);
    const prefix = path.join(tmp, 'opt-node');
    expect(placementProblems({ dataDir: path.join(prefix, 'app', '.data'), sandboxDir, visible: ['/usr', prefix] })).toHaveLength(1);
  });

  it('sees through a symlink that points DATA_DIR into a visible folder', () => {
    const link = path.join(tmp, 'link-to-usr');
    fs.symlinkSync('/usr/share', link);
    expect(placementProblems({ dataDir: path.join(link, 'data'), sandboxDir })[0]).toMatch(/lies inside \/usr/);
  });

  it('refuses a DATA_DIR inside SANDBOX_DIR and a SANDBOX_DIR inside DATA_DIR', () => {
    expect(placementProblems({ dataDir: path.join(sandboxDir, 'data'), sandboxDir })[0]).toMatch(/DATA_DIR .* lies inside .*sandboxes/);
    const dataDir = path.join(tmp, 'data2');
    expect(placementProblems({ dataDir, sandboxDir: path.join(dataDir, 'sandboxes') }).join('\n')).toMatch(/SANDBOX_DIR .* lies inside DATA_DIR/);
  });

  it('refuses a SANDBOX_DIR under a folder sandbox users cannot pass (a 700 home)', () => {
    const home = path.join(tmp, 'home');
    fs.mkdirSync(home, { mode: 0o700 });
    fs.chmodSync(home, 0o700);
    const problems = placementProblems({ dataDir: path.join(tmp, 'data3'), sandboxDir: path.join(home, 'clone', 'sandboxes') });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${home} (mode 700) does not let sandbox users pass`);
  });

  it('stops the server at start with the list of problems, before it creates anything', () => {
    const dataDir = '/usr/local/share/cloud-ide-test-data';
    const result = spawnSync(process.execPath, ['--import', './server/runtime/register.mjs', '--import', 'tsx', 'server/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: { PATH: process.env.PATH, DATA_DIR: dataDir, SANDBOX_DIR: sandboxDir, PORT: '3999', NODE_ENV: 'production' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`The IDE cannot start:\n  - DATA_DIR (${dataDir}) lies inside /usr, which host sandboxes can read.`);
    expect(fs.existsSync(dataDir)).toBe(false);
  }, 60_000);
});
