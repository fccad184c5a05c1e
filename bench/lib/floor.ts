// bench:load's floor row: bench/fixtures/floor, a Next app of its own with only Next + React and the IDE's
// Monaco bundle (the same features and languages, loaded and configured by the IDE's own loader). Never part
// of the IDE's build: the bench copies it to .data/bench/floor (same depth, so its relative imports hold;
// Turbopack looks for a proxy file at the first folder under its root, and bench/ has bench/proxy.ts), builds
// it there when its sources changed, and serves it with `next start`.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { serveDetached, type Served } from './served';

const root = path.resolve(import.meta.dirname, '..', '..');
const source = path.join(root, 'bench', 'fixtures', 'floor');
const dir = path.join(root, '.data', 'bench', 'floor');
const next = path.join(root, 'node_modules', '.bin', 'next');
// What the floor's build depends on besides its own files.
const inputs = [path.join(root, 'components', 'editor', 'monaco.ts'), path.join(root, 'server', 'runtime', 'monaco-preloads.ts'), path.join(root, 'package-lock.json')];

export type RunningFloor = Served;

function stamp(): string {
  const hash = crypto.createHash('sha256');
  const files = [...fs.readdirSync(path.join(source, 'app')).map((f) => path.join(source, 'app', f)), path.join(source, 'next.config.mjs'), ...inputs];
  for (const file of files.sort()) hash.update(file).update(fs.readFileSync(file));
  return hash.digest('hex');
}

/** Copies the IDE's Monaco bundle in, builds the floor app if its inputs changed, and serves it on 127.0.0.1:<port>. */
export async function startFloor(port: number): Promise<RunningFloor> {
  const monaco = path.join(root, 'public', 'monaco');
  if (!fs.existsSync(path.join(monaco, 'editor.js'))) execFileSync('node', [path.join(root, 'server', 'runtime', 'build-monaco.mjs')], { stdio: 'inherit' });
  const marker = path.join(dir, '.next', 'BENCH_STAMP');
  const want = stamp();
  if (!fs.existsSync(marker) || fs.readFileSync(marker, 'utf8') !== want) {
    console.log('bench: building the floor app (bench/fixtures/floor, in .data/bench/floor)');
    fs.rmSync(dir, { recursive: true, force: true });
    fs.cpSync(source, dir, { recursive: true });
    execFileSync(next, ['build', dir], { cwd: dir, stdio: 'inherit', env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' } });
    fs.writeFileSync(marker, want);
  }
  fs.rmSync(path.join(dir, 'public'), { recursive: true, force: true });
  fs.cpSync(monaco, path.join(dir, 'public', 'monaco'), { recursive: true });
  return serveDetached({
    name: 'the floor app',
    command: next,
    args: ['start', dir, '--port', String(port), '--hostname', '127.0.0.1'],
    cwd: dir, // the page reads public/monaco/preload.json from its working folder
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' },
    port,
    timeoutMs: 60_000,
    pollMs: 250,
  });
}
