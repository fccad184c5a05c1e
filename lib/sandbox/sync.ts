import type { FsEvent, Sandbox, Unsubscribe } from '@/lib/sandbox/types';
import { createIgnore, type IgnoreFn } from '@/lib/sandbox/ignore';

// Keeps a sandbox (the working copy) and the database (the source of truth) in step, in both
// directions, above the port so WebContainer and host sandboxes share it:
//   database → sandbox: mount at boot; then `reconcile` with the tree the page polls, and `push`
//     right after the editor saves (so a dev server's hot reload sees it at once);
//   sandbox → database: watch events (terminal, npm, agent commands) batched into `apply`.
// `known` holds each path's hash as both sides have it, so neither direction echoes the other.

export interface WireFile {
  path: string;
  content: string;
  encoding: 'utf8' | 'base64';
}

export interface SyncBackend {
  snapshot(): Promise<WireFile[]>;
  read(path: string): Promise<WireFile>;
  apply(changes: { put: WireFile[]; remove: string[] }): Promise<{
    written: { path: string; hash: string }[];
    removed: string[];
    skipped: { path: string; reason: string }[];
  }>;
}

export interface SyncOptions {
  sandbox: Sandbox;
  backend: SyncBackend;
  /** Files the database refused (too large …), to show the user. */
  onSkipped?: (skipped: { path: string; reason: string }[]) => void;
  onError?: (error: unknown) => void;
  debounceMs?: number;
}

const MAX_BATCH_FILES = 200;
const MAX_BATCH_BYTES = 8 * 1024 * 1024;

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function decodeWire(file: Pick<WireFile, 'content' | 'encoding'>): Uint8Array {
  if (file.encoding === 'utf8') return new TextEncoder().encode(file.content);
  const binary = atob(file.content);
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function encodeWire(path: string, bytes: Uint8Array): WireFile {
  if (!bytes.includes(0)) {
    try {
      return { path, content: strictUtf8.decode(bytes), encoding: 'utf8' };
    } catch {
      // not UTF-8: base64 below
    }
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { path, content: btoa(binary), encoding: 'base64' };
}

export class SandboxSync {
  readonly #sandbox: Sandbox;
  readonly #backend: SyncBackend;
  readonly #opts: SyncOptions;
  /** path → hash that both sides hold, and when that became true. */
  readonly #known = new Map<string, { hash: string; at: number }>();
  readonly #dirty = new Set<string>();
  #ignore: IgnoreFn = createIgnore(null);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #unwatch: Unsubscribe | undefined;
  #flushing: Promise<void> = Promise.resolve();
  #lastEventAt = 0;

  constructor(options: SyncOptions) {
    this.#sandbox = options.sandbox;
    this.#backend = options.backend;
    this.#opts = options;
  }

  /** Writes the database's files into the sandbox and starts watching it. Returns the file count. */
  async mount(): Promise<number> {
    const files = await this.#backend.snapshot();
    const tree: Record<string, Uint8Array> = {};
    for (const f of files) tree[f.path] = decodeWire(f);
    const gitignore = tree['.gitignore'];
    this.#ignore = createIgnore(gitignore ? new TextDecoder().decode(gitignore) : null);
    await this.#sandbox.mount(tree);
    const now = Date.now();
    for (const [path, bytes] of Object.entries(tree)) this.#known.set(path, { hash: await sha256Hex(bytes), at: now });
    this.#unwatch = this.#sandbox.fs.watch('', (events) => this.#onEvents(events));
    return files.length;
  }

  /** A file saved from the editor (or by the agent): into the sandbox now. */
  async push(path: string, content: string | Uint8Array): Promise<void> {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    this.#known.set(path, { hash: await sha256Hex(bytes), at: Date.now() });
    await this.#sandbox.fs.writeFile(path, bytes);
  }

  /**
   * Brings the sandbox up to the database's tree (fetched at `fetchedAt`): changed files are read
   * and written, files deleted in the database are deleted in the sandbox.
   */
  async reconcile(tree: { path: string; hash: string }[], fetchedAt: number): Promise<void> {
    const inDb = new Map(tree.map((f) => [f.path, f.hash]));
    for (const [path, hash] of inDb) {
      const known = this.#known.get(path);
      if (known?.hash === hash || this.#dirty.has(path) || (known && known.at > fetchedAt)) continue;
      const file = await this.#backend.read(path);
      await this.push(path, decodeWire(file));
    }
    for (const [path, known] of [...this.#known]) {
      if (inDb.has(path) || known.at > fetchedAt || this.#dirty.has(path)) continue;
      this.#known.delete(path);
      await this.#sandbox.fs.rm(path, { force: true }).catch(() => undefined);
    }
  }

  /** Waits until changes seen so far are saved to the database. */
  async flush(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#flushing = this.#flushing.then(() => this.#send()).catch((e: unknown) => this.#opts.onError?.(e));
    await this.#flushing;
  }

  /**
   * Waits until the sandbox has reported no change for `quietMs` and everything it reported is saved:
   * after an agent turn, so the checkpoint holds what its commands wrote (their watch events arrive
   * a little after the command ends).
   */
  async settle(quietMs = 300): Promise<void> {
    // Quiet since the call at least: events of a command that just ended may not have arrived yet.
    const since = () => Math.max(this.#lastEventAt, started);
    const started = Date.now();
    for (;;) {
      const wait = since() + quietMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await this.flush();
      if (this.#dirty.size === 0 && Date.now() - since() >= quietMs) return;
    }
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#unwatch?.();
  }

  #onEvents(events: FsEvent[]): void {
    this.#lastEventAt = Date.now();
    for (const e of events) {
      if (e.type === 'addDir') continue;
      if (this.#ignore(e.path)) continue;
      if (e.path === '.gitignore') this.#ignore = createIgnore(null);
      this.#dirty.add(e.path);
    }
    if (this.#dirty.size > 0) {
      clearTimeout(this.#timer);
      this.#timer = setTimeout(() => void this.flush(), this.#opts.debounceMs ?? 200);
    }
  }

  async #send(): Promise<void> {
    while (this.#dirty.size > 0) {
      const put: WireFile[] = [];
      const remove: string[] = [];
      const hashes = new Map<string, string>();
      let bytes = 0;
      for (const path of [...this.#dirty]) {
        if (put.length + remove.length >= MAX_BATCH_FILES || bytes > MAX_BATCH_BYTES) break;
        this.#dirty.delete(path);
        const content = await this.#sandbox.fs.readFile(path).catch(() => null);
        if (content === null) {
          // Gone: a file, or a folder with files under it.
          const under = [...this.#known.keys()].filter((k) => k === path || k.startsWith(`${path}/`));
          if (under.length > 0) remove.push(path);
          continue;
        }
        const hash = await sha256Hex(content);
        if (this.#known.get(path)?.hash === hash) continue;
        if (path === '.gitignore') this.#ignore = createIgnore(new TextDecoder().decode(content));
        hashes.set(path, hash);
        bytes += content.byteLength;
        put.push(encodeWire(path, content));
      }
      if (put.length + remove.length === 0) continue;
      const result = await this.#backend.apply({ put, remove });
      const now = Date.now();
      for (const w of result.written) this.#known.set(w.path, { hash: hashes.get(w.path) ?? w.hash, at: now });
      for (const p of remove) for (const k of [...this.#known.keys()]) if (k === p || k.startsWith(`${p}/`)) this.#known.delete(k);
      if (result.skipped.length > 0) this.#opts.onSkipped?.(result.skipped);
    }
  }
}
