// bolt.diy (the open-source bolt.new) for a side-by-side load benchmark: the built Remix app that is
// published on npm as bolt.diy@0.0.6 (build/client + build/server + functions/ for Cloudflare Pages),
// served by wrangler's local Pages runtime, fully offline once prepared. Prepared once into
// .data/bench/bolt.diy-0.0.6/ (gitignored) from the npm registry (~1 min); later runs reuse it.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { serveDetached, type Served } from './served';

export const BOLT_DIY_VERSION = '0.0.6';

const root = path.resolve(import.meta.dirname, '..', '..');
const dir = path.join(root, '.data', 'bench', `bolt.diy-${BOLT_DIY_VERSION}`);
const pkgDir = path.join(dir, 'package');
const run = promisify(execFile);

export type RunningBoltDiy = Served;

async function npm(cwd: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('npm', args, { cwd, maxBuffer: 64 * 2 ** 20, timeout: 10 * 60_000 });
    return stdout;
  } catch (error) {
    const e = error as { stderr?: string; message: string };
    // npm's own summary lines ("npm error code ECONNREFUSED", "npm error FetchError: …"), not its stack trace
    const lines = (e.stderr ?? '').split('\n').filter((l) => /^npm (error|ERR!) \S/.test(l) && !/^npm (error|ERR!) +at /.test(l));
    throw new Error(`npm ${args.slice(0, 2).join(' ')} failed in ${path.relative(root, cwd)}: ${lines.slice(0, 4).join('; ') || e.message}`);
  }
}

/** Downloads and installs bolt.diy into .data/bench unless a previous run already did. */
async function prepare(): Promise<void> {
  if (!fs.existsSync(path.join(pkgDir, 'package.json'))) {
    fs.mkdirSync(dir, { recursive: true });
    const packed = JSON.parse(await npm(dir, ['pack', `bolt.diy@${BOLT_DIY_VERSION}`, '--json'])) as { filename: string }[];
    const tarball = packed[0]!.filename;
    await run('tar', ['xzf', tarball], { cwd: dir });
    fs.rmSync(path.join(dir, tarball));
  }
  if (fs.existsSync(path.join(pkgDir, 'node_modules', '.bin', 'wrangler'))) return;
  console.log(`bench: installing bolt.diy@${BOLT_DIY_VERSION} into ${path.relative(root, pkgDir)} (first run only, ~1 min)`);
  await npm(pkgDir, ['install', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts']);
  // Its peers, and isomorphic-git 1.27.2: the server build imports 'isomorphic-git/http/web/index.js',
  // which later versions no longer export.
  await npm(pkgDir, [
    'install', '--no-save', '--no-audit', '--no-fund',
    'isomorphic-git@1.27.2', 'wrangler@3', '@remix-run/cloudflare@2', '@remix-run/cloudflare-pages@2', 'vite-plugin-node-polyfills@0.22',
  ]);
}

/** Prepares bolt.diy if needed and serves it with `wrangler pages dev` on 127.0.0.1:<port>. */
export async function startBoltDiy(port: number): Promise<RunningBoltDiy> {
  await prepare();
  return serveDetached({
    name: 'bolt.diy (wrangler pages dev)',
    command: path.join(pkgDir, 'node_modules', '.bin', 'wrangler'),
    args: ['pages', 'dev', './build/client', '--port', String(port), '--ip', '127.0.0.1'],
    cwd: pkgDir,
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: '1' },
    port,
    timeoutMs: 90_000,
    pollMs: 500,
  });
}
