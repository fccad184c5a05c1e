import 'server-only';
import type { BrowserContext, CDPSession, Page } from 'playwright-core';
import type { RequestTracker } from '@/server/design/settle';

// The server capture's warm pages (server/design/server-capture.ts): a browser context with its page is
// kept after a capture for one user and one preview origin, on about:blank (nothing of the preview runs
// in between), and the next capture for the same pair navigates it again instead of opening a context and
// a page (a renderer process): ~150 ms instead of ~450 ms (bench:capture). Isolation: the key is the
// user and the origin, so no user's capture runs in another's context (cookies, storage, cache), and the
// context's request filter, made for that origin, still decides every request. At most `max` are kept,
// each closed after `idleMs` unused; a page in use is never shared (a second capture gets its own).

export interface CapturePage {
  context: BrowserContext;
  page: Page;
  cdp: CDPSession;
  requests: RequestTracker;
}

interface Entry {
  key: string;
  capture: CapturePage;
  busy: boolean;
  lastUsed: number;
  timer?: ReturnType<typeof setTimeout>;
}

export interface Lease {
  capture: CapturePage;
  /** Whether this page was kept from an earlier capture. */
  warm: boolean;
  /** Hands the page back: kept warm after a capture that went well, else closed. */
  release(ok: boolean): Promise<void>;
}

export class WarmPages {
  readonly #entries = new Map<string, Entry>();

  constructor(readonly options: { max: number; idleMs: number }) {}

  /** Pages kept (free or in use). */
  get size(): number {
    return this.#entries.size;
  }

  /** A page for `key` (a user and a preview origin; none: never kept): the warm one when free, else `open()`. */
  async take(key: string | undefined, open: () => Promise<CapturePage>): Promise<Lease> {
    const found = key === undefined ? undefined : this.#entries.get(key);
    if (found && found.capture.page.isClosed()) this.#drop(found);
    else if (found && !found.busy) {
      found.busy = true;
      clearTimeout(found.timer);
      return { capture: found.capture, warm: true, release: (ok) => this.#release(found, ok) };
    }
    const capture = await open();
    if (key !== undefined && !this.#entries.has(key) && this.#makeRoom()) {
      const entry: Entry = { key, capture, busy: true, lastUsed: Date.now() };
      this.#entries.set(key, entry);
      return { capture, warm: false, release: (ok) => this.#release(entry, ok) };
    }
    return { capture, warm: false, release: () => capture.context.close().catch(() => undefined) };
  }

  /** Room for one more: evicts the least recently used free page when full; false when all are in use. */
  #makeRoom(): boolean {
    if (this.#entries.size < this.options.max) return true;
    const free = [...this.#entries.values()].filter((e) => !e.busy).sort((a, b) => a.lastUsed - b.lastUsed)[0];
    if (!free) return false;
    this.#drop(free);
    return true;
  }

  async #release(entry: Entry, ok: boolean): Promise<void> {
    if (this.#entries.get(entry.key) !== entry) return void (await entry.capture.context.close().catch(() => undefined));
    if (ok) ok = await entry.capture.page.goto('about:blank').then(() => true, () => false);
    if (!ok || this.#entries.get(entry.key) !== entry) return this.#drop(entry);
    entry.busy = false;
    entry.lastUsed = Date.now();
    entry.timer = setTimeout(() => this.#drop(entry), this.options.idleMs);
    entry.timer.unref();
  }

  #drop(entry: Entry): void {
    clearTimeout(entry.timer);
    if (this.#entries.get(entry.key) === entry) this.#entries.delete(entry.key);
    void entry.capture.context.close().catch(() => undefined);
  }

  /** Closes every page (shutdown, or the browser is gone). */
  clear(): void {
    for (const entry of [...this.#entries.values()]) this.#drop(entry);
  }
}
