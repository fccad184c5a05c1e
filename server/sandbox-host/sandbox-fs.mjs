// Runs INSIDE a project's sandbox (bubblewrap, the project's uid, no network) and does its file work:
// the server never touches a workspace with its own (root) rights, so a symlink planted in the
// workspace resolves inside the sandbox, never on the host. One JSON object per line on stdin
// ({ id, op, ... }) and stdout ({ id, ok, result | error } and { type: 'fs', events }).
// Plain JavaScript: it is read-only bound into the sandbox and run by the sandbox's own node.
import fs from 'node:fs/promises';
import { constants as fsConstants, watch as fsWatch, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';

const ROOT = '/workspace';
const NOT_WATCHED = new Set(['node_modules', '.git', '.cache']);
const NOT_EXPORTED = new Set(['node_modules', '.git', 'dist', 'build', '.next', '.cache', 'coverage', '.vite', '.turbo', '.parcel-cache']);
const MAX_EXPORT_BYTES = 64 * 1024 * 1024;
const MAX_READ_BYTES = 32 * 1024 * 1024;

function resolve(rel) {
  if (typeof rel !== 'string' || rel.includes('\0')) throw Object.assign(new Error('bad path'), { code: 'EBADPATH' });
  const clean = path.posix.normalize(`/${rel}`);
  if (clean.split('/').includes('..')) throw Object.assign(new Error('bad path'), { code: 'EBADPATH' });
  return clean === '/' ? ROOT : ROOT + clean;
}

const tooBig = () => Object.assign(new Error('file too large to open'), { code: 'ETOOBIG' });

// A regular file, counted while it is read: a size of 0 says nothing for /proc files, and a device (/dev/zero)
// never ends. Opened non-blocking, so a FIFO planted under a file's name cannot hang the helper.
async function readCapped(abs, max) {
  const handle = await fs.open(abs, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'EISDIR' });
    if (stat.size > max) throw tooBig();
    const chunks = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(Math.min(1024 * 1024, max + 1 - total));
      const { bytesRead } = await handle.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) return Buffer.concat(chunks, total);
      chunks.push(chunk.subarray(0, bytesRead));
      total += bytesRead;
      if (total > max) throw tooBig();
    }
  } finally {
    await handle.close();
  }
}

const relOf = (abs) => path.posix.relative(ROOT, abs);
const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

async function walk(dir, skip, visit) {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const abs = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (skip.has(entry.name)) continue;
      await visit(abs, true);
      await walk(abs, skip, visit);
    } else if (entry.isFile()) await visit(abs, false);
  }
}

// ---- watching: one inotify watch per directory (Node 20 lacks recursive fs.watch on Linux),
// a snapshot per directory, and a rescan of a directory when it reports anything.
const snapshot = new Map(); // abs dir → Map(name → "d" | "f:<mtime>:<size>")
const watchers = new Map(); // abs dir → FSWatcher
let pendingEvents = [];
let flushTimer;
const dirty = new Set();
let rescanTimer;

function emit(type, abs) {
  pendingEvents.push({ type, path: relOf(abs) });
  flushTimer ??= setTimeout(() => {
    flushTimer = undefined;
    const events = pendingEvents;
    pendingEvents = [];
    if (events.length) send({ type: 'fs', events });
  }, 40);
}

function readDirState(dir) {
  const state = new Map();
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
  for (const entry of entries) {
    if (entry.isDirectory()) {
      if (!NOT_WATCHED.has(entry.name)) state.set(entry.name, 'd');
    } else if (entry.isFile()) {
      try {
        const stat = statSync(path.posix.join(dir, entry.name));
        state.set(entry.name, `f:${stat.mtimeMs}:${stat.size}`);
      } catch {
        /* gone already */
      }
    }
  }
  return state;
}

function watchDir(dir, announce) {
  if (watchers.has(dir)) return;
  const state = readDirState(dir);
  if (!state) return;
  try {
    const watcher = fsWatch(dir, { persistent: true }, () => markDirty(dir));
    watcher.on('error', () => unwatchDir(dir));
    watchers.set(dir, watcher);
  } catch {
    return;
  }
  snapshot.set(dir, state);
  for (const [name, kind] of state) {
    const abs = path.posix.join(dir, name);
    if (kind === 'd') {
      if (announce) emit('addDir', abs);
      watchDir(abs, announce);
    } else if (announce) emit('add', abs);
  }
}

function unwatchDir(dir) {
  for (const key of [...watchers.keys()]) {
    if (key === dir || key.startsWith(`${dir}/`)) {
      watchers.get(key)?.close();
      watchers.delete(key);
      snapshot.delete(key);
    }
  }
}

function markDirty(dir) {
  dirty.add(dir);
  rescanTimer ??= setTimeout(() => {
    rescanTimer = undefined;
    const dirs = [...dirty];
    dirty.clear();
    for (const d of dirs) rescan(d);
  }, 25);
}

function rescan(dir) {
  const before = snapshot.get(dir);
  if (!before) return;
  const after = readDirState(dir);
  if (!after) return; // the parent's rescan reports the removal
  snapshot.set(dir, after);
  for (const [name, kind] of before) {
    const abs = path.posix.join(dir, name);
    const now = after.get(name);
    if (now === kind) continue;
    if (kind === 'd') {
      if (now === undefined || now !== 'd') {
        unwatchDir(abs);
        emit('unlinkDir', abs);
      }
    } else if (now === undefined || now === 'd') emit('unlink', abs);
    else emit('change', abs);
  }
  for (const [name, kind] of after) {
    const abs = path.posix.join(dir, name);
    const was = before.get(name);
    if (was === kind || (was && was !== 'd' && kind !== 'd')) continue;
    if (kind === 'd') {
      emit('addDir', abs);
      watchDir(abs, true);
    } else emit('add', abs);
  }
}

// ---- operations
const ops = {
  async readFile({ path: p }) {
    return { data: (await readCapped(resolve(p), MAX_READ_BYTES)).toString('base64') };
  },
  async writeFile({ path: p, data }) {
    const abs = resolve(p);
    if (abs === ROOT) throw Object.assign(new Error('bad path'), { code: 'EBADPATH' });
    await fs.mkdir(path.posix.dirname(abs), { recursive: true });
    await fs.writeFile(abs, Buffer.from(data, 'base64'));
    return null;
  },
  async mkdir({ path: p, recursive }) {
    await fs.mkdir(resolve(p), { recursive: Boolean(recursive) });
    return null;
  },
  async readdir({ path: p }) {
    const entries = await fs.readdir(resolve(p), { withFileTypes: true });
    return {
      entries: entries
        .filter((e) => e.isFile() || e.isDirectory() || e.isSymbolicLink())
        .map((e) => ({ name: e.name, kind: e.isDirectory() ? 'directory' : 'file' })),
    };
  },
  async rm({ path: p, recursive, force }) {
    const abs = resolve(p);
    if (abs === ROOT) throw Object.assign(new Error('bad path'), { code: 'EBADPATH' });
    await fs.rm(abs, { recursive: Boolean(recursive), force: Boolean(force) });
    return null;
  },
  async rename({ from, to }) {
    const target = resolve(to);
    await fs.mkdir(path.posix.dirname(target), { recursive: true });
    await fs.rename(resolve(from), target);
    return null;
  },
  async mount({ tree }) {
    for (const [p, data] of Object.entries(tree)) await ops.writeFile({ path: p, data });
    return null;
  },
  async exportTree() {
    const tree = {};
    let total = 0;
    await walk(ROOT, NOT_EXPORTED, async (abs, isDir) => {
      if (isDir) return;
      const data = await fs.readFile(abs);
      total += data.length;
      if (total > MAX_EXPORT_BYTES) throw Object.assign(new Error('workspace too large to export'), { code: 'ETOOBIG' });
      tree[relOf(abs)] = data.toString('base64');
    });
    return { tree };
  },
  async watchStart() {
    watchDir(ROOT, false);
    return null;
  },
  async ping() {
    return null;
  },
  /** Bytes on disk (allocated blocks, so sparse files count as what they take) of the workspace and home. */
  async diskUsage() {
    let bytes = 0;
    const seen = new Set(); // hard links count once
    const count = async (dir) => {
      let entries;
      try {
        entries = await fs.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const entry of entries) {
        const abs = path.posix.join(dir, entry.name);
        const st = await fs.lstat(abs).catch(() => undefined);
        if (!st) continue;
        if (st.nlink > 1 && !st.isDirectory()) {
          if (seen.has(st.ino)) continue;
          seen.add(st.ino);
        }
        bytes += st.blocks * 512;
        if (st.isDirectory()) await count(abs);
      }
    };
    await count(ROOT);
    await count('/home/user');
    return { bytes };
  },
  // Copies what a newer pre-warm added to the shared npm cache (read-only at /opt/npm-cache) into this sandbox's
  // own cache: npm needs a writable cache, and a shared writable one would let one project poison another's.
  // A home without a cache got hard links to the shared one instead (npm-cache.ts linkNpmCache).
  async seedCache() {
    const stamp = await fs.readFile('/opt/npm-cache/.stamp', 'utf8').catch(() => '');
    if (!stamp) return { seeded: false };
    const mine = "/home/user/.npm";
    const seen = await fs.readFile(`${mine}/.seeded-stamp`, 'utf8').catch(() => '');
    if (seen === stamp) return { seeded: false };
    await fs.mkdir(mine, { recursive: true });
    await fs.cp('/opt/npm-cache/_cacache', `${mine}/_cacache`, { recursive: true, force: false, errorOnExist: false });
    await fs.writeFile(`${mine}/.seeded-stamp`, stamp);
    return { seeded: true };
  },
};

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  let request;
  try {
    request = JSON.parse(line);
  } catch {
    return;
  }
  const op = ops[request.op];
  if (!op) {
    send({ id: request.id, ok: false, error: { code: 'EINVAL', message: `unknown op ${request.op}` } });
    return;
  }
  op(request).then(
    (result) => send({ id: request.id, ok: true, result }),
    (error) => send({ id: request.id, ok: false, error: { code: error.code ?? 'EIO', message: error.message } }),
  );
});
lines.on('close', () => process.exit(0));
