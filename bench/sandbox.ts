// npm run bench:sandbox — the host sandbox's costs, measured side by side in one run:
// `node -e 0` bare vs inside the sandbox (ratio), a terminal's shell to its first prompt bare vs inside,
// `npm test` on the Vitest template bare vs inside (its install from a warm shared cache, network off),
// the Vite template's install the same way, and its dev server's time to ready.
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { median, runBench, type Row } from '@/bench/harness';
import { baseEnv } from '@/server/sandbox-host/bwrap';
import { defaultConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { prewarmNpmCache } from '@/server/sandbox-host/npm-cache';
import { spawn as spawnPty } from 'node-pty';
import { nodeVitestTemplate } from '@/server/templates/node-vitest';
import type { Template } from '@/server/templates/types';
import { viteReactTemplate } from '@/server/templates/vite-react';

const RUNS = 20;
const PROJECT = 'beeeeeef-0000-4000-8000-000000000001';
const VITEST_PROJECT = 'beeeeeef-0000-4000-8000-000000000002';

// The same clean environment the sandbox gives (the server's own may hold startup-heavy variables).
const BARE_ENV = baseEnv({ terminal: false, npmRegistry: 'https://registry.npmjs.org/' }) as unknown as NodeJS.ProcessEnv;

function bare(): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore', env: BARE_ENV, cwd: os.tmpdir() });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
  });
}

function bareShellPrompt(): Promise<number> {
  const started = performance.now();
  const shell = spawnPty('bash', ['--norc', '-i'], { cols: 80, rows: 24, cwd: os.tmpdir(), env: { ...BARE_ENV, TERM: 'xterm-256color' } as Record<string, string> });
  return new Promise((resolve) =>
    shell.onData((chunk) => {
      if (!/[$#] $/.test(chunk)) return;
      resolve(performance.now() - started);
      shell.kill('SIGKILL');
    }),
  );
}

function bareNpmTest(cwd: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npm', ['test'], { stdio: 'ignore', env: BARE_ENV, cwd });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - started) : reject(new Error(`bare npm test exited ${code}`))));
  });
}

const treeOf = (template: Template) => Object.fromEntries(Object.entries(template.files).map(([p, text]) => [p, Buffer.from(text).toString('base64')]));

await runBench('sandbox', async () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-bench-sandbox-'));
  const rows: Row[] = [];
  try {
    let started = performance.now();
    await prewarmNpmCache({
      cacheDir: path.join(dataDir, 'npm-cache'),
      packages: { vite: viteReactTemplate.files['package.json']!, vitest: nodeVitestTemplate.files['package.json']! },
    });
    const prewarmMs = performance.now() - started;

    const manager = new SandboxManager(defaultConfig(dataDir));
    const workspace = manager.get(PROJECT);
    started = performance.now();
    await manager.ready(PROJECT);
    const seedMs = performance.now() - started;

    const inSandbox = async (network: 'off' | 'allowlist') => {
      const t = performance.now();
      const proc = await workspace.spawn('node', ['-e', '0'], { network });
      const exit = await proc.exit;
      if (exit.code !== 0) throw new Error(`node -e 0 failed in the sandbox: ${JSON.stringify(exit)}`);
      return performance.now() - t;
    };
    // Warm both paths once (namespaces, page cache), then interleave the runs.
    await bare();
    await inSandbox('allowlist');
    await inSandbox('off');
    const bareMs: number[] = [];
    const sandboxMs: number[] = [];
    const offMs: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      bareMs.push(await bare());
      sandboxMs.push(await inSandbox('allowlist'));
      offMs.push(await inSandbox('off'));
    }
    rows.push({ measure: 'node -e 0, bare', median_ms: +median(bareMs).toFixed(1), runs: RUNS });
    rows.push({ measure: 'node -e 0, sandbox (allowlist)', median_ms: +median(sandboxMs).toFixed(1), runs: RUNS });
    rows.push({ measure: 'node -e 0, sandbox (network off)', median_ms: +median(offMs).toFixed(1), runs: RUNS });

    const shellMs: number[] = [];
    const bareShellMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      bareShellMs.push(await bareShellPrompt());
      const t = performance.now();
      const shell = await workspace.spawn('bash', ['--norc', '-i'], { terminal: { cols: 80, rows: 24 } });
      await new Promise<void>((resolve) => shell.onOutput((chunk) => /[$#] $/.test(chunk) && resolve()));
      shellMs.push(performance.now() - t);
      shell.kill();
      await shell.exit;
    }
    rows.push({ measure: 'terminal shell to first prompt, bare', median_ms: +median(bareShellMs).toFixed(1), runs: 5 });
    rows.push({ measure: 'terminal shell to first prompt, sandbox', median_ms: +median(shellMs).toFixed(1), runs: 5 });

    // The Vitest template's `npm test`, inside and bare (the same files, node_modules copied out).
    const vitest = manager.get(VITEST_PROJECT);
    await manager.ready(VITEST_PROJECT);
    await vitest.fsRequest('mount', { tree: treeOf(nodeVitestTemplate) });
    const vitestInstall = await vitest.spawn('npm', ['install'], { network: 'off' });
    if ((await vitestInstall.exit).code !== 0) throw new Error('vitest template install failed offline');
    const bareDir = path.join(dataDir, 'bare-vitest');
    execFileSync('cp', ['-a', vitest.dirs.workspace, bareDir]);
    const npmTestMs: number[] = [];
    const bareNpmTestMs: number[] = [];
    for (let i = 0; i < 5; i++) {
      bareNpmTestMs.push(await bareNpmTest(bareDir));
      const t = performance.now();
      const test = await vitest.spawn('npm', ['test'], { network: 'off' });
      const exit = await test.exit;
      if (exit.code !== 0) throw new Error(`npm test failed in the sandbox: ${JSON.stringify(exit)}`);
      npmTestMs.push(performance.now() - t);
    }
    rows.push({ measure: 'Vitest template npm test, bare', median_ms: +median(bareNpmTestMs).toFixed(0), runs: 5 });
    rows.push({ measure: 'Vitest template npm test, sandbox', median_ms: +median(npmTestMs).toFixed(0), runs: 5 });

    await workspace.fsRequest('mount', { tree: treeOf(viteReactTemplate) });
    started = performance.now();
    const install = await workspace.spawn('npm', ['install'], { network: 'off' });
    let installOutput = '';
    install.onOutput((c) => (installOutput += c));
    const installExit = await install.exit;
    const installMs = performance.now() - started;
    if (installExit.code !== 0) throw new Error(`vite template install failed offline:\n${installOutput}`);
    rows.push({ measure: 'Vite template npm install, warm cache, network off', median_ms: +installMs.toFixed(0), runs: 1 });

    started = performance.now();
    const ready = new Promise<number>((resolve) => workspace.onPorts({ onServerReady: (port) => port === 5173 && resolve(performance.now()), onPortClosed: () => {} }));
    const dev = await workspace.spawn('npm', ['run', 'dev', '--', '--port', '5173', '--strictPort'], { network: 'off' });
    const readyAt = await ready;
    const socket = await workspace.previewSocket(5173);
    const status = await new Promise<number>((resolve, reject) =>
      http.get({ socketPath: socket, path: '/', headers: { host: 'localhost' } }, (res) => resolve(res.statusCode ?? 0)).on('error', reject),
    );
    const firstPageMs = performance.now() - started;
    rows.push({ measure: 'Vite dev server: spawn to port open', median_ms: +(readyAt - started).toFixed(0), runs: 1 });
    rows.push({ measure: `Vite dev server: spawn to first page (HTTP ${status})`, median_ms: +firstPageMs.toFixed(0), runs: 1 });
    dev.kill();
    await dev.exit;
    await manager.dispose();

    return {
      inputs: { runs: RUNS, template: viteReactTemplate.id },
      rows,
      summary: {
        nodeRatio: +(median(sandboxMs) / median(bareMs)).toFixed(2),
        shellPromptRatio: +(median(shellMs) / median(bareShellMs)).toFixed(2),
        npmTestRatio: +(median(npmTestMs) / median(bareNpmTestMs)).toFixed(2),
        nodeOverheadMs: +(median(sandboxMs) - median(bareMs)).toFixed(1),
        prewarmMs: Math.round(prewarmMs),
        seedCacheCopyMs: Math.round(seedMs),
      },
    };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
