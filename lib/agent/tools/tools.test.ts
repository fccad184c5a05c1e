import { readFile as readDisk } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChangeSet, sandboxFileWriter, type AgentEnvironment, type PlanItem } from '@/lib/agent/environment';
import { createDirSandbox } from '@/lib/agent/testing/dir-sandbox';
import { executeTool, ProcessRegistry, type ToolContext } from '@/lib/agent/tools';
import { headTail, OutputCollector, plainText } from '@/lib/agent/tools/output';
import type { NetworkPolicy } from '@/lib/sandbox/types';
import type { Problem } from '@/lib/stores/preview';

let sandbox: Awaited<ReturnType<typeof createDirSandbox>>;
let ctx: ToolContext;
let plan: PlanItem[];
let writes: string[];
let spawned: { command: string; args: string[]; network?: NetworkPolicy }[];
let problems: Problem[];

beforeEach(async () => {
  sandbox = await createDirSandbox();
  plan = [];
  writes = [];
  spawned = [];
  problems = [];
  const direct = sandboxFileWriter(async () => sandbox);
  const spawn = sandbox.spawn.bind(sandbox);
  sandbox.spawn = (command, args = [], options = {}) => {
    spawned.push({ command, args, network: options.network });
    return spawn(command, args, options);
  };
  const env: AgentEnvironment = {
    sandbox: async () => sandbox,
    files: { ...direct, write: (path, text) => (writes.push(path), direct.write(path, text)) },
    network: () => 'off',
    approval: () => 'auto',
    preview: () => ({ servers: { 5173: 'http://5173.preview.test' }, port: 5173, problems }),
  };
  ctx = { env, sandbox, signal: new AbortController().signal, changes: new ChangeSet(), processes: new ProcessRegistry(), setPlan: (items) => (plan = items) };
  await sandbox.fs.writeFile('src/sum.js', 'export function sum(a, b) {\n  return a - b;\n}\n');
  await sandbox.fs.writeFile('src/util.js', 'const x = 1;\nconst x2 = 1;\n');
  await sandbox.fs.writeFile('node_modules/dep/index.js', 'needle');
  await sandbox.fs.writeFile('.git/config', '[core]');
});

afterEach(async () => {
  ctx.processes.dispose();
  await sandbox.dispose();
});

const run = (name: string, args: unknown, c: ToolContext = ctx) => executeTool({ id: 'c1', name, arguments: JSON.stringify(args) }, c);
const disk = (path: string) => readDisk(join(sandbox.root, path), 'utf8');

describe('validation', () => {
  it('refuses unknown tools, bad JSON and bad arguments without running anything', async () => {
    expect(await run('rm_everything', {})).toMatchObject({ ok: false, output: expect.stringContaining('Unknown tool') });
    expect(await executeTool({ id: 'c', name: 'read_file', arguments: '{nope' }, ctx)).toMatchObject({ ok: false, output: expect.stringContaining('JSON') });
    expect(await run('read_file', { path: 5 })).toMatchObject({ ok: false, output: expect.stringContaining('Invalid arguments') });
  });

  it.each(['../etc/passwd', '/etc/passwd', 'a/../../b', 'C:/x', 'a\\b'])('rejects the path %s', async (path) => {
    const result = await run('write_file', { path, content: 'x' });
    expect(result.ok).toBe(false);
    expect(writes).toEqual([]);
  });

  it('never writes under .git/', async () => {
    const result = await run('write_file', { path: '.git/hooks/pre-commit', content: 'rm -rf ~' });
    expect(result).toMatchObject({ ok: false, output: expect.stringContaining('.git') });
    expect(await run('edit_file', { path: '.git/config', edits: [{ search: '[core]', replace: '[core]\n\tpager = sh' }] })).toMatchObject({ ok: false });
    expect(await disk('.git/config')).toBe('[core]');
  });
});

describe('list_files and read_file', () => {
  it('lists recursively, skipping node_modules and .git', async () => {
    const result = await run('list_files', { recursive: true });
    expect(result.output.split('\n')).toEqual(['src/', 'src/sum.js', 'src/util.js']);
  });

  it('lists one folder', async () => {
    expect((await run('list_files', { path: 'src' })).output).toBe('src/sum.js\nsrc/util.js');
    expect(await run('list_files', { path: 'missing' })).toMatchObject({ ok: false });
  });

  it('reads numbered lines, whole or a range', async () => {
    expect((await run('read_file', { path: 'src/sum.js' })).output).toBe('src/sum.js (3 lines)\n1 | export function sum(a, b) {\n2 |   return a - b;\n3 | }');
    const range = await run('read_file', { path: 'src/sum.js', startLine: 2, endLine: 2 });
    expect(range.output).toBe('src/sum.js (lines 2-2 of 3; ask for more with startLine/endLine)\n2 |   return a - b;');
  });

  it('caps long files and reports missing, binary and folder paths', async () => {
    await sandbox.fs.writeFile('big.txt', Array.from({ length: 5000 }, (_, i) => `line ${i + 1}`).join('\n'));
    const big = await run('read_file', { path: 'big.txt' });
    expect(big.output).toContain('lines 1-2000 of 5000');
    await sandbox.fs.writeFile('img.bin', new Uint8Array([1, 0, 2]));
    expect(await run('read_file', { path: 'img.bin' })).toMatchObject({ ok: false, output: expect.stringContaining('binary') });
    expect(await run('read_file', { path: 'nope.js' })).toMatchObject({ ok: false, output: 'No file "nope.js".' });
    expect(await run('read_file', { path: 'src' })).toMatchObject({ ok: false, output: expect.stringContaining('folder') });
  });
});

describe('write_file and edit_file', () => {
  it('writes through the environment and records the change', async () => {
    const result = await run('write_file', { path: 'src/new/file.js', content: 'hello\n' });
    expect(result).toMatchObject({ ok: true, detail: { kind: 'file', path: 'src/new/file.js', before: null, after: 'hello\n' } });
    expect(writes).toEqual(['src/new/file.js']);
    expect(await disk('src/new/file.js')).toBe('hello\n');
    expect(ctx.changes.list()).toEqual([{ path: 'src/new/file.js', before: null, after: 'hello\n' }]);
  });

  it('applies exact search/replace blocks', async () => {
    const result = await run('edit_file', { path: 'src/sum.js', edits: [{ search: 'a - b', replace: 'a + b' }] });
    expect(result.ok).toBe(true);
    expect(await disk('src/sum.js')).toBe('export function sum(a, b) {\n  return a + b;\n}\n');
  });

  it('keeps $ patterns in the replacement literally', async () => {
    await run('edit_file', { path: 'src/sum.js', edits: [{ search: 'a - b', replace: "`$&$1${a}`" }] });
    expect(await disk('src/sum.js')).toContain('return `$&$1${a}`;');
  });

  it('fails on zero matches, naming the block, and changes nothing', async () => {
    const result = await run('edit_file', {
      path: 'src/sum.js',
      edits: [
        { search: 'a - b', replace: 'a + b' },
        { search: 'return  a', replace: 'x' },
      ],
    });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('Edit 2 of 2 failed: the search text was not found');
    expect(result.output).toContain('whitespace');
    expect(await disk('src/sum.js')).toContain('a - b');
    expect(writes).toEqual([]);
  });

  it('fails on several matches with the count', async () => {
    const result = await run('edit_file', { path: 'src/util.js', edits: [{ search: '= 1;', replace: '= 2;' }] });
    expect(result).toMatchObject({ ok: false, output: expect.stringContaining('occurs 2 times') });
  });

  it('records the first before and the last after across edits in one turn', async () => {
    await run('edit_file', { path: 'src/sum.js', edits: [{ search: 'a - b', replace: 'a * b' }] });
    await run('edit_file', { path: 'src/sum.js', edits: [{ search: 'a * b', replace: 'a + b' }] });
    const [change] = ctx.changes.list();
    expect(change?.before).toContain('a - b');
    expect(change?.after).toContain('a + b');
  });
});

describe('delete_path and move_path', () => {
  it('deletes files, needs recursive for folders, and records the content', async () => {
    expect(await run('delete_path', { path: 'src' })).toMatchObject({ ok: false, output: expect.stringContaining('recursive') });
    expect((await run('delete_path', { path: 'src', recursive: true })).ok).toBe(true);
    await expect(disk('src/sum.js')).rejects.toThrow();
    expect(ctx.changes.list().map((c) => [c.path, c.after])).toEqual([
      ['src/sum.js', null],
      ['src/util.js', null],
    ]);
  });

  it('moves, refusing to overwrite', async () => {
    expect(await run('move_path', { from: 'src/sum.js', to: 'src/util.js' })).toMatchObject({ ok: false, output: expect.stringContaining('already exists') });
    expect((await run('move_path', { from: 'src/sum.js', to: 'lib/sum.js' })).ok).toBe(true);
    expect(await disk('lib/sum.js')).toContain('a - b');
    expect(ctx.changes.list().map((c) => c.path)).toEqual(['src/sum.js', 'lib/sum.js']);
  });
});

describe('search_files', () => {
  it('finds text with path and line, skipping node_modules', async () => {
    expect((await run('search_files', { query: 'RETURN' })).output).toBe('src/sum.js:2: return a - b;');
    expect((await run('search_files', { query: 'RETURN', caseSensitive: true })).output).toContain('No matches');
    expect((await run('search_files', { query: 'needle' })).output).toContain('No matches');
  });
});

describe('run_command', () => {
  it('returns the exit code and output, with the network policy and a shell', async () => {
    const result = await run('run_command', { command: 'echo out; echo err >&2; exit 3' });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('exit code 3');
    expect(result.output).toContain('out\nerr');
    expect(spawned[0]).toMatchObject({ command: 'bash', args: ['--noprofile', '--norc', '-c', 'echo out; echo err >&2; exit 3'], network: 'off' });
    expect(result.detail).toMatchObject({ kind: 'command', exitCode: 3 });
  });

  it('keeps the head and tail of long output with an omitted marker', async () => {
    const result = await run('run_command', { command: 'seq 1 100000' });
    expect(result.ok).toBe(true);
    expect(result.output).toMatch(/^\$ seq 1 100000\nexit code 0\n1\n2\n/);
    expect(result.output).toMatch(/… \d+ bytes omitted …/);
    expect(result.output.trimEnd().endsWith('99999\n100000')).toBe(true);
    expect(result.output.length).toBeLessThan(14_000);
  });

  it('times out', async () => {
    const result = await run('run_command', { command: 'sleep 30', timeoutMs: 1000 });
    expect(result.ok).toBe(false);
    expect(result.output).toContain('timed out');
  });

  it('is killed by Stop', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const pending = run('run_command', { command: 'echo started; sleep 30' }, { ...ctx, signal: abort.signal });
    setTimeout(() => abort.abort(), 300);
    const result = await pending;
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.ok).toBe(false);
    expect(result.output).toContain('stopped');
  });

  it('is killed by a Stop pressed while the process is still being spawned', async () => {
    const abort = new AbortController();
    const spawn = sandbox.spawn;
    sandbox.spawn = async (...args) => {
      const proc = await spawn(...args);
      abort.abort();
      return proc;
    };
    const started = Date.now();
    const result = await run('run_command', { command: 'sleep 30' }, { ...ctx, signal: abort.signal });
    expect(Date.now() - started).toBeLessThan(5000);
    expect(result.output).toContain('stopped');
  });
});

describe('background processes', () => {
  it('starts, reads and stops a process', async () => {
    const started = await run('start_process', { command: 'echo booting; while true; do echo tick; sleep 0.2; done' });
    expect(started.output).toMatch(/^Started proc-1: /);
    expect(started.output).toContain('booting');
    const read = await run('read_process_output', { processId: 'proc-1', tailLines: 2 });
    expect(read.output).toContain('Status: running');
    expect(read.output.trimEnd().split('\n').slice(-2)).toEqual(['tick', 'tick']);
    expect((await run('stop_process', { processId: 'proc-1' })).output).toContain('Stopped proc-1');
    expect(await run('read_process_output', { processId: 'proc-1' })).toMatchObject({ ok: false, output: expect.stringContaining('No process') });
  });

  it('reports a server that became ready', async () => {
    setTimeout(() => sandbox.emitServerReady({ port: 5173, url: 'http://5173.preview.test' }), 200);
    const started = await run('start_process', { command: 'sleep 10' });
    expect(started.output).toContain('serving port 5173 at http://5173.preview.test');
  });
});

describe('preview_status and update_plan', () => {
  it('reports servers and runtime errors', async () => {
    problems.push({ id: 'p1', kind: 'error', message: 'x is not defined', file: 'src/App.jsx', line: 4, column: 2, count: 2, at: 0 });
    const result = await run('preview_status', {});
    expect(result.output).toContain('port 5173 at http://5173.preview.test');
    expect(result.output).toContain('- [error] ×2 x is not defined at src/App.jsx:4:2');
  });

  it('sets the plan', async () => {
    await run('update_plan', { items: [{ title: 'Fix sum', status: 'in_progress' }] });
    expect(plan).toEqual([{ title: 'Fix sum', status: 'in_progress' }]);
  });
});

describe('output helpers', () => {
  it('strips terminal codes and collapses progress lines', () => {
    expect(plainText('\u001b[32mok\u001b[0m\n10%\r50%\r100%\n')).toBe('ok\n100%\n');
  });

  it('collects head and tail of a stream with the exact number of omitted bytes', () => {
    const c = new OutputCollector(10);
    for (let i = 0; i < 100; i++) c.push('abcdefghij');
    expect(c.text()).toBe('abcdefghij\n… 980 bytes omitted …\nabcdefghij');
    expect(headTail('x'.repeat(30), 10)).toContain('… 10 bytes omitted');
  });
});
