import { atom, type ReadableAtom } from 'nanostores';
import { isWithin } from '@/lib/files/path';

// Which files are open in tabs, which one is shown, and where to reveal (a search hit, go to line).
// Tabs are remembered per project in localStorage so a reload brings them back.

export type StorageLike = Pick<Storage, 'getItem' | 'setItem'>;

export interface RevealRequest {
  path: string;
  line: number;
  column: number;
  /** Bumped per request, so revealing the same spot twice still moves the cursor. */
  seq: number;
}

export type SidebarView = 'files' | 'search' | 'history';
export type EditorOverlay = 'quick-open' | null;

interface PersistedTabs {
  tabs: string[];
  active: string | null;
}

const MAX_TABS = 30;

export class EditorStore {
  readonly #tabs = atom<string[]>([]);
  readonly #active = atom<string | null>(null);
  readonly #reveal = atom<RevealRequest | null>(null);
  readonly #overlay = atom<EditorOverlay>(null);
  readonly #sidebar = atom<SidebarView>('files');
  readonly tabs: ReadableAtom<string[]> = this.#tabs;
  readonly active: ReadableAtom<string | null> = this.#active;
  readonly reveal: ReadableAtom<RevealRequest | null> = this.#reveal;
  readonly overlay: ReadableAtom<EditorOverlay> = this.#overlay;
  readonly sidebar: ReadableAtom<SidebarView> = this.#sidebar;

  readonly #key: string;
  readonly #storage: StorageLike | null;
  #seq = 0;

  constructor(options: { projectId: string; storage: StorageLike | null }) {
    this.#key = `ide:${options.projectId}:tabs`;
    this.#storage = options.storage;
    const saved = this.#load();
    if (saved) {
      this.#tabs.set(saved.tabs);
      this.#active.set(saved.active && saved.tabs.includes(saved.active) ? saved.active : (saved.tabs[0] ?? null));
    }
  }

  open(path: string, at?: { line: number; column?: number }): void {
    const tabs = this.#tabs.get();
    if (!tabs.includes(path)) {
      const active = this.#active.get();
      const index = active ? tabs.indexOf(active) + 1 : tabs.length;
      const next = [...tabs.slice(0, index), path, ...tabs.slice(index)];
      // Oldest tabs go first when there are too many, except the one being opened.
      this.#tabs.set(next.length > MAX_TABS ? next.filter((p, i) => p === path || i >= next.length - MAX_TABS) : next);
    }
    this.#active.set(path);
    if (at) this.#reveal.set({ path, line: at.line, column: at.column ?? 1, seq: ++this.#seq });
    this.#persist();
  }

  /** Closes a tab; the neighbour to its right (else left) becomes active. */
  close(path: string): void {
    const tabs = this.#tabs.get();
    const index = tabs.indexOf(path);
    if (index === -1) return;
    const next = tabs.filter((p) => p !== path);
    this.#tabs.set(next);
    if (this.#active.get() === path) this.#active.set(next[index] ?? next[index - 1] ?? null);
    this.#persist();
  }

  activate(path: string): void {
    if (this.#tabs.get().includes(path)) {
      this.#active.set(path);
      this.#persist();
    }
  }

  /** Ctrl+Tab style: the next (or previous) tab, wrapping around. */
  cycle(step: 1 | -1): void {
    const tabs = this.#tabs.get();
    const active = this.#active.get();
    if (tabs.length === 0) return;
    const index = active ? tabs.indexOf(active) : -1;
    this.activate(tabs[(index + step + tabs.length) % tabs.length]!);
  }

  move(path: string, toIndex: number): void {
    const tabs = this.#tabs.get().filter((p) => p !== path);
    if (tabs.length === this.#tabs.get().length) return;
    tabs.splice(Math.max(0, Math.min(toIndex, tabs.length)), 0, path);
    this.#tabs.set(tabs);
    this.#persist();
  }

  /** A file or folder moved: its tabs follow. */
  renamed(from: string, to: string): void {
    const map = (p: string) => (isWithin(p, from) ? to + p.slice(from.length) : p);
    this.#tabs.set(this.#tabs.get().map(map));
    const active = this.#active.get();
    if (active) this.#active.set(map(active));
    this.#persist();
  }

  /** A file or folder is gone: its tabs close. */
  removed(path: string): void {
    for (const p of this.#tabs.get().filter((t) => isWithin(t, path))) this.close(p);
  }

  /** Drops tabs of files that no longer exist (after a reload, or changes made elsewhere). */
  retain(exists: (path: string) => boolean): void {
    for (const p of this.#tabs.get().filter((t) => !exists(t))) this.close(p);
  }

  revealHandled(seq: number): void {
    if (this.#reveal.get()?.seq === seq) this.#reveal.set(null);
  }

  showOverlay(overlay: EditorOverlay): void {
    this.#overlay.set(overlay);
  }

  showSidebar(view: SidebarView): void {
    this.#sidebar.set(view);
  }

  #load(): PersistedTabs | null {
    try {
      const raw = this.#storage?.getItem(this.#key);
      if (!raw) return null;
      const parsed = JSON.parse(raw) as Partial<PersistedTabs>;
      const tabs = Array.isArray(parsed.tabs) ? parsed.tabs.filter((t): t is string => typeof t === 'string').slice(0, MAX_TABS) : [];
      return { tabs, active: typeof parsed.active === 'string' ? parsed.active : null };
    } catch {
      // A corrupt entry (hand-edited, older format) only loses the remembered tabs.
      return null;
    }
  }

  #persist(): void {
    const value: PersistedTabs = { tabs: this.#tabs.get(), active: this.#active.get() };
    try {
      this.#storage?.setItem(this.#key, JSON.stringify(value));
    } catch (error) {
      console.warn('could not remember open tabs:', error);
    }
  }
}
