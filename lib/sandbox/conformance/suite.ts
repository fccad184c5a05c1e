import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SERVER_SOURCE } from '@/lib/sandbox/conformance/dev-server';
import type { ExitInfo, FsEvent, Sandbox, SandboxProcess } from '@/lib/sandbox/types';

// The one suite both adapters are held to. A runner (host.test.ts here; the WebContainer runner drives a
// real Chromium page) supplies a fixture; everything below speaks only the Sandbox port.

export interface ConformanceFixture {
  sandbox: Sandbox;
  /** GET a preview URL as a browser would. */
  fetchPreview(url: string): Promise<{ status: number; body: string }>;
  /** Opens a WebSocket on a preview URL, sends `message`, resolves with the first reply. */
  echoPreviewSocket(url: string, message: string): Promise<string>;
  dispose(): Promise<void>;
}

export interface ConformanceOptions {
  /** The Vitest template's files (server/templates/node-vitest.ts), for `npm test` pass and fail. */
  vitestTemplate: Record<string, string>;
  /** Skip the tests that need the npm registry (with a printed reason) when it cannot be reached. */
  npmSkipReason?: string;
}

const decoder = new TextDecoder();

/** Runs a command to its end and collects its output. */
export async function run(
  sandbox: Sandbox,
  command: string,
  args: string[] = [],
  options: Parameters<Sandbox['spawn']>[2] = {},
): Promise<{ output: string; exit: ExitInfo }> {
  const proc = await sandbox.spawn(command, args, options);
  let output = '';
  proc.onOutput((chunk) => (output += chunk));
  const exit = await proc.exit;
  return { output, exit };
}

async function waitFor(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function runConformance(name: string, factory: () => Promise<ConformanceFixture>, options: ConformanceOptions): void {
  describe(`sandbox conformance: ${name}`, () => {
    let fixture: ConformanceFixture;
    let sandbox: Sandbox;
    beforeAll(async () => {
      fixture = await factory();
      sandbox = fixture.sandbox;
    });
    afterAll(async () => fixture?.dispose());

    it('writes, reads, lists, renames and deletes files (text and binary)', async () => {
      await sandbox.fs.writeFile('notes/a.txt', 'héllo');
      const bytes = new Uint8Array([0, 255, 1, 254, 10, 13]);
      await sandbox.fs.writeFile('notes/bin.dat', bytes);
      expect(await sandbox.fs.readTextFile('notes/a.txt')).toBe('héllo');
      expect([...(await sandbox.fs.readFile('notes/bin.dat'))]).toEqual([...bytes]);
      await sandbox.fs.mkdir('notes/deep/er', { recursive: true });
      const listing = (await sandbox.fs.readdir('notes')).sort((a, b) => a.name.localeCompare(b.name));
      expect(listing).toEqual([
        { name: 'a.txt', kind: 'file' },
        { name: 'bin.dat', kind: 'file' },
        { name: 'deep', kind: 'directory' },
      ]);
      await sandbox.fs.rename('notes/a.txt', 'notes/deep/b.txt');
      expect(decoder.decode(await sandbox.fs.readFile('notes/deep/b.txt'))).toBe('héllo');
      await expect(sandbox.fs.readFile('notes/a.txt')).rejects.toThrow();
      await sandbox.fs.rm('notes', { recursive: true });
      await expect(sandbox.fs.readdir('notes')).rejects.toThrow();
      await sandbox.fs.rm('notes', { recursive: true, force: true });
    });

    it('mounts a tree and exports it back without node_modules', async () => {
      await sandbox.mount({ 'm/x.txt': 'x', 'm/y/z.txt': new Uint8Array([122]), 'node_modules/pkg/index.js': 'skip' });
      const tree = await sandbox.exportTree();
      expect(decoder.decode(tree['m/x.txt'])).toBe('x');
      expect(decoder.decode(tree['m/y/z.txt'])).toBe('z');
      expect(Object.keys(tree).some((p) => p.startsWith('node_modules/'))).toBe(false);
      await sandbox.fs.rm('m', { recursive: true });
      await sandbox.fs.rm('node_modules', { recursive: true });
    });

    it('reports watch events for changes made by files calls and by processes', async () => {
      const events: FsEvent[] = [];
      const stop = sandbox.fs.watch('', (batch) => events.push(...batch));
      await new Promise((r) => setTimeout(r, 300));
      await sandbox.fs.mkdir('w', { recursive: true });
      await sandbox.fs.writeFile('w/one.txt', '1');
      await waitFor(() => events.some((e) => e.type === 'add' && e.path === 'w/one.txt'), 5000, 'add');
      await run(sandbox, 'sh', ['-c', 'echo 2 >> w/one.txt; echo 3 > w/two.txt']);
      await waitFor(() => events.some((e) => e.type === 'change' && e.path === 'w/one.txt'), 5000, 'change');
      await waitFor(() => events.some((e) => e.type === 'add' && e.path === 'w/two.txt'), 5000, 'add by a process');
      await sandbox.fs.rm('w', { recursive: true });
      await waitFor(() => events.some((e) => e.type === 'unlinkDir' && e.path === 'w'), 5000, 'unlinkDir');
      expect(events.some((e) => e.type === 'addDir' && e.path === 'w')).toBe(true);
      stop();
    });

    it('spawns with exit codes, env and cwd', async () => {
      expect((await run(sandbox, 'sh', ['-c', 'exit 3'])).exit.code).toBe(3);
      expect((await run(sandbox, 'true')).exit.code).toBe(0);
      const env = await run(sandbox, 'sh', ['-c', 'echo "[$GREETING]"'], { env: { GREETING: 'hi there' } });
      expect(env.output).toContain('[hi there]');
      await sandbox.fs.mkdir('sub/dir', { recursive: true });
      const cwd = await run(sandbox, 'pwd', [], { cwd: 'sub/dir' });
      expect(cwd.output.trim()).toMatch(/\/sub\/dir$/);
      await sandbox.fs.rm('sub', { recursive: true });
    });

    it('streams output while the process runs, takes stdin, and can be killed', async () => {
      const proc = await sandbox.spawn('sh', ['-c', 'echo first; read line; echo "got $line"; sleep 30']);
      let output = '';
      proc.onOutput((c) => (output += c));
      await waitFor(() => output.includes('first'), 10_000, 'first line');
      proc.write('abc\n');
      await waitFor(() => output.includes('got abc'), 10_000, 'stdin echo');
      const started = Date.now();
      proc.kill();
      const exit = await proc.exit;
      expect(Date.now() - started).toBeLessThan(5000);
      expect(exit.code).not.toBe(0);
    });

    it('runs a real terminal with a size that follows resize', async () => {
      const proc = await sandbox.spawn('sh', [], { terminal: { cols: 100, rows: 30 } });
      let output = '';
      proc.onOutput((c) => (output += c));
      proc.write('stty size\r');
      await waitFor(() => /30 100/.test(output), 10_000, 'stty size 30 100');
      proc.resize({ cols: 120, rows: 40 });
      proc.write('stty size\r');
      await waitFor(() => /40 120/.test(output), 10_000, 'stty size 40 120');
      proc.write('exit 7\r');
      expect((await proc.exit).code).toBe(7);
    });

    it('survives a 10 MB output flood with bounded output', async () => {
      const size = 10 * 1024 * 1024;
      const proc = await sandbox.spawn('node', ['-e', `const s='x'.repeat(1<<20); for (let i = 0; i < 10; i++) process.stdout.write(s)`]);
      let received = 0;
      proc.onOutput((c) => (received += c.length));
      const exit = await proc.exit;
      // All of it arrives, or a bounded part of it with the reason said.
      if (exit.reason === 'output') expect(received).toBeLessThanOrEqual(size);
      else {
        expect(exit.code).toBe(0);
        expect(received).toBe(size);
      }
    }, 60_000);

    it('installs a small real package with npm', async (ctx) => {
      if (options.npmSkipReason) ctx.skip(options.npmSkipReason);
      await sandbox.fs.writeFile('npmtest/package.json', JSON.stringify({ name: 'npmtest', version: '1.0.0', private: true }));
      const install = await run(sandbox, 'npm', ['install', 'is-number@7.0.0', '--no-audit', '--no-fund'], { cwd: 'npmtest', network: 'allowlist' });
      expect(install.exit.code, install.output).toBe(0);
      const use = await run(sandbox, 'node', ['-p', "require('is-number')(5) + ':' + require('is-number')('x')"], { cwd: 'npmtest' });
      expect(use.output.trim()).toBe('true:false');
      await sandbox.fs.rm('npmtest', { recursive: true });
    }, 120_000);

    it('runs npm test on the Vitest template: passing, then failing', async (ctx) => {
      if (options.npmSkipReason) ctx.skip(options.npmSkipReason);
      const tree = Object.fromEntries(Object.entries(options.vitestTemplate).map(([p, text]) => [`vt/${p}`, text]));
      await sandbox.mount(tree);
      const install = await run(sandbox, 'npm', ['install'], { cwd: 'vt', network: 'allowlist' });
      expect(install.exit.code, install.output).toBe(0);
      const pass = await run(sandbox, 'npm', ['test'], { cwd: 'vt' });
      expect(pass.exit.code, pass.output).toBe(0);
      expect(pass.output).toMatch(/1 passed/);
      await sandbox.fs.writeFile(
        'vt/src/broken.test.ts',
        "import { expect, it } from 'vitest';\nit('is wrong', () => { expect(1 + 1).toBe(3); });\n",
      );
      const fail = await run(sandbox, 'npm', ['test'], { cwd: 'vt' });
      expect(fail.exit.code).not.toBe(0);
      expect(fail.output).toMatch(/1 failed/);
      await sandbox.fs.rm('vt', { recursive: true });
    }, 240_000);

    it('serves a dev server through its preview URL over HTTP and WebSocket', async () => {
      await sandbox.fs.writeFile('dev/server.js', DEV_SERVER_SOURCE);
      const ready = new Promise<{ port: number; url: string }>((resolve) => {
        const stop = sandbox.onServerReady((event) => {
          if (event.port === 4173) {
            stop();
            resolve(event);
          }
        });
      });
      const closed = new Promise<void>((resolve) => {
        const stop = sandbox.onPortClosed((port) => {
          if (port === 4173) {
            stop();
            resolve();
          }
        });
      });
      const proc = await sandbox.spawn('node', ['server.js', '4173'], { cwd: 'dev' });
      const { url } = await ready;
      expect(new URL(url).port === '4173' || url.includes('4173')).toBe(true);
      const page = await fixture.fetchPreview(new URL('/hello?x=1', url).toString());
      expect(page.status).toBe(200);
      expect(page.body).toContain('hello from the sandbox /hello?x=1');
      expect(await fixture.echoPreviewSocket(url, 'ping')).toBe('echo:ping');
      proc.kill();
      await proc.exit;
      await closed;
      await sandbox.fs.rm('dev', { recursive: true });
    }, 60_000);
  });

  describe(`sandbox conformance: ${name} teardown`, () => {
    it('ends every process on dispose', async () => {
      const fixture = await factory();
      const procs: SandboxProcess[] = [];
      procs.push(await fixture.sandbox.spawn('sleep', ['1000']));
      procs.push(await fixture.sandbox.spawn('sh', ['-c', 'sleep 1000 & sleep 1000'], {}));
      procs.push(await fixture.sandbox.spawn('sh', [], { terminal: { cols: 80, rows: 24 } }));
      await fixture.dispose();
      const exits = await Promise.race([
        Promise.all(procs.map((p) => p.exit)),
        new Promise<null>((r) => setTimeout(() => r(null), 10_000)),
      ]);
      expect(exits).not.toBeNull();
    }, 30_000);
  });
}
