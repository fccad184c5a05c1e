import { atom, computed, map, type ReadableAtom } from 'nanostores';
import { TabJournal } from '@/lib/autosave/tab-journal';
import { errorText } from '@/lib/errors';
import { isWithin } from '@/lib/files/path';
import { conflictOutcome, OpenDocument as Doc, worstStatus } from '@/lib/stores/files-doc';
import { AUTOSAVE_DEFAULTS, type DocumentState, type FileSnapshot, type FilesStoreOptions, type SaveStatus } from '@/lib/stores/files-types';

// Open documents and their autosave: drafts, debounced saves with optimistic concurrency, the
// journal of unsent edits, conflicts. File contents themselves live in the Query cache; this store
// only holds what the user typed and has not yet been confirmed by the server.

export type { DocumentState, FilesBackend, FileSnapshot, FilesStoreOptions, SaveFailure, SaveStatus } from '@/lib/stores/files-types';

type ReplacedListener = (path: string, content: string) => void;

export class FilesStore {
  readonly documents = map<Record<string, DocumentState>>({});
  /** The worst state of any open document: what the status bar shows. */
  readonly saveState: ReadableAtom<SaveStatus> = computed(this.documents, worstStatus);
  /** The journal's replay has run (or failed): the editor opens files only then, so a replayed draft wins over any snapshot. */
  readonly replayed = atom(false);

  readonly #opts: Required<Omit<FilesStoreOptions, 'onSaved' | 'liveClients'>> &
    Pick<FilesStoreOptions, 'onSaved' | 'liveClients'>;
  readonly #docs = new Map<string, Doc>();
  readonly #replaced = new Set<ReplacedListener>();
  readonly #journalOf: TabJournal;
  #disposed = false;

  constructor(options: FilesStoreOptions) {
    this.#opts = { ...AUTOSAVE_DEFAULTS, ...options };
    this.#journalOf = new TabJournal({ ...this.#opts, liveClients: options.liveClients });
  }

  /** Called when the editor must show new content it did not type (their version, a remote change). */
  onReplaced(listener: ReplacedListener): () => void {
    this.#replaced.add(listener);
    return () => this.#replaced.delete(listener);
  }

  isOpen(path: string): boolean {
    return this.#docs.has(path);
  }

  draftOf(path: string): string | undefined {
    return this.#docs.get(path)?.draft;
  }

  hasUnsaved(): boolean {
    return Object.values(this.documents.get()).some((d) => d.status !== 'saved');
  }

  /**
   * The server's copy of a file arrived (first load, refetch, another tab's save). Returns the text
   * the editor should show: the draft when there is one, else the server's.
   */
  open(snapshot: FileSnapshot): string {
    const doc = this.#docs.get(snapshot.path);
    if (!doc) {
      this.#docs.set(snapshot.path, new Doc(snapshot.content, snapshot.content, snapshot.version));
      this.#setState(snapshot.path, { status: 'saved', baseVersion: snapshot.version });
      return snapshot.content;
    }
    const state = this.documents.get()[snapshot.path];
    if (doc.saved === null && snapshot.version === doc.baseVersion) doc.saved = snapshot.content;
    if (snapshot.version <= doc.baseVersion) return doc.draft;
    if (state?.status === 'saved' && !doc.inFlight) {
      // Clean and behind: take the newer text silently, as editors do for files changed on disk.
      doc.settle(snapshot.content, snapshot.version);
      this.#setState(snapshot.path, { status: 'saved', baseVersion: snapshot.version });
      this.#emitReplaced(snapshot.path, snapshot.content);
    } else if (doc.draft === snapshot.content && !doc.inFlight) {
      // Someone saved exactly what we have: nothing left to save.
      doc.settle(snapshot.content, snapshot.version);
      doc.cancelAll();
      this.#setState(snapshot.path, { status: 'saved', baseVersion: snapshot.version });
      void this.#journalOf.remove(snapshot.path, doc.draft);
    }
    return doc.draft;
  }

  edit(path: string, content: string): void {
    const doc = this.#docs.get(path);
    if (!doc) throw new Error(`edit of "${path}", which is not open`);
    if (content === doc.draft) return;
    doc.draft = content;
    const state = this.documents.get()[path];
    doc.schedule('journal', this.#opts.journalDelayMs, () => void this.#journal(path, doc));
    if (state?.status === 'conflict') return;
    if (state?.status !== 'saving' && state?.status !== 'offline') this.#patchState(path, { status: 'dirty', error: undefined });
    this.#scheduleSave(path, doc, this.#opts.saveDelayMs);
  }

  /** Ctrl/Cmd+S: save now, without waiting for the debounce. */
  save(path: string): Promise<void> {
    const doc = this.#docs.get(path);
    if (!doc) return Promise.resolve();
    return this.#flush(path);
  }

  /** Saves every pending document; resolves when each has been tried once. */
  async saveAll(): Promise<void> {
    await Promise.all([...this.#docs.keys()].map((path) => this.#flush(path)));
  }

  /** Saves what lies in a folder (or a file) before it is moved; throws if something could not be saved. */
  async saveWithin(folder: string): Promise<void> {
    const paths = [...this.#docs.keys()].filter((p) => isWithin(p, folder));
    await Promise.all(paths.map((p) => this.#flush(p)));
    const stuck = paths.filter((p) => this.documents.get()[p]?.status !== 'saved');
    if (stuck.length > 0) throw new Error(`Unsaved changes in ${stuck.join(', ')} could not be saved first.`);
  }

  /** Forgets documents in a folder (or a file) the user deleted or moved, drafts and journal included. */
  forget(folder: string): void {
    for (const [path, doc] of this.#docs) {
      if (!isWithin(path, folder)) continue;
      doc.cancelAll();
      this.#docs.delete(path);
      this.documents.setKey(path, undefined as unknown as DocumentState);
      void this.#journalOf.remove(path);
    }
  }

  /** Tries every offline document again now (the browser came back online, or the user asked). */
  retryNow(): void {
    for (const [path, doc] of this.#docs) {
      const status = this.documents.get()[path]?.status;
      if (status === 'offline' || status === 'error') this.#scheduleSave(path, doc, 0);
    }
  }

  async resolveConflict(path: string, choice: 'mine' | 'theirs'): Promise<void> {
    const doc = this.#docs.get(path);
    const state = this.documents.get()[path];
    if (!doc || state?.status !== 'conflict') return;
    const theirs = state.theirs ?? null;
    if (choice === 'theirs') {
      if (theirs === null) {
        this.forget(path);
        return;
      }
      doc.settle(theirs.content, theirs.version);
      this.#setState(path, { status: 'saved', baseVersion: theirs.version });
      await this.#journalOf.remove(path);
      this.#emitReplaced(path, theirs.content);
      return;
    }
    if (theirs === null) doc.recreate = true;
    else {
      doc.baseVersion = theirs.version;
      doc.saved = theirs.content;
    }
    this.#setState(path, { status: 'dirty', baseVersion: doc.baseVersion });
    await this.#flush(path);
  }

  /**
   * Replays what the journal holds for this project: this tab's entries (a reload) and those of tabs
   * that are gone. Each becomes a dirty document and is saved against the version it started from.
   */
  async restore(): Promise<string[]> {
    let adopted: Awaited<ReturnType<TabJournal['adopt']>> = [];
    try {
      adopted = await this.#journalOf.adopt((path) => this.#docs.has(path));
      for (const entry of adopted) {
        this.#docs.set(entry.path, new Doc(entry.content, null, entry.baseVersion));
        this.#setState(entry.path, { status: 'dirty', baseVersion: entry.baseVersion });
      }
    } finally {
      this.replayed.set(true);
    }
    const restored = adopted.map((e) => e.path);
    await Promise.all(restored.map((p) => this.#flush(p)));
    return restored;
  }

  dispose(): void {
    this.#disposed = true;
    for (const doc of this.#docs.values()) doc.cancelAll();
  }

  #flush(path: string): Promise<void> {
    const doc = this.#docs.get(path);
    if (!doc) return Promise.resolve();
    if (doc.inFlight) {
      doc.again = true;
      return doc.inFlight;
    }
    doc.cancel('save');
    const status = this.documents.get()[path]?.status;
    if (status === 'conflict') return Promise.resolve();
    if (doc.clean) {
      if (status !== 'saved') this.#patchState(path, { status: 'saved', error: undefined });
      return this.#journalOf.remove(path, doc.draft);
    }
    doc.inFlight = this.#send(path, doc).finally(() => {
      doc.inFlight = undefined;
      if (doc.again && this.#docs.get(path) === doc && !this.#disposed) {
        doc.again = false;
        const s = this.documents.get()[path]?.status;
        if (s === 'dirty' || s === 'saving') void this.#flush(path);
      }
    });
    return doc.inFlight;
  }

  async #send(path: string, doc: Doc): Promise<void> {
    const content = doc.draft;
    const base = doc.baseVersion;
    this.#patchState(path, { status: 'saving', error: undefined });
    try {
      doc.cancel('journal');
      await this.#journal(path, doc);
      const { version } = doc.recreate
        ? await this.#opts.backend.create(path, content)
        : await this.#opts.backend.write(path, content, base);
      if (this.#docs.get(path) !== doc) return;
      doc.recreate = false;
      doc.saved = content;
      doc.baseVersion = version;
      doc.retries = 0;
      this.#opts.onSaved?.({ path, content, version });
      if (doc.draft === content) {
        this.#setState(path, { status: 'saved', baseVersion: version });
        await this.#journalOf.remove(path, content);
      } else {
        this.#setState(path, { status: 'dirty', baseVersion: version });
        doc.again = true;
      }
    } catch (error) {
      if (this.#docs.get(path) !== doc) return;
      await this.#failed(path, doc, error);
    }
  }

  async #failed(path: string, doc: Doc, error: unknown): Promise<void> {
    const kind = this.#opts.classify(error);
    if (kind === 'offline') {
      doc.again = false;
      this.#patchState(path, { status: 'offline', error: errorText(error) });
      this.#scheduleSave(path, doc, doc.nextRetryDelay(this.#opts.retryDelaysMs));
      return;
    }
    if (kind === 'rejected') {
      doc.again = false;
      this.#patchState(path, { status: 'error', error: errorText(error) });
      return;
    }
    doc.again = false;
    let theirs: FileSnapshot | null = null;
    if (kind === 'conflict') {
      try {
        theirs = await this.#opts.backend.read(path);
      } catch (readError) {
        // Could not fetch their version: treat as offline and try the save again later.
        await this.#failed(path, doc, readError);
        return;
      }
    }
    const outcome = conflictOutcome(doc, theirs);
    if (outcome === 'rebase') {
      doc.baseVersion = theirs!.version;
      this.#setState(path, { status: 'dirty', baseVersion: doc.baseVersion });
      this.#scheduleSave(path, doc, 0);
      return;
    }
    if (outcome === 'same') {
      doc.settle(theirs!.content, theirs!.version);
      this.#setState(path, { status: 'saved', baseVersion: doc.baseVersion });
      await this.#journalOf.remove(path, doc.draft);
      return;
    }
    this.#setState(path, { status: 'conflict', baseVersion: doc.baseVersion, theirs });
  }

  #scheduleSave(path: string, doc: Doc, delay: number): void {
    doc.schedule('save', delay, () => void this.#flush(path));
  }

  async #journal(path: string, doc: Doc): Promise<void> {
    if (doc.clean) return;
    await this.#journalOf.put(path, doc.draft, doc.baseVersion);
  }

  #setState(path: string, state: DocumentState): void {
    this.documents.setKey(path, state);
  }

  #patchState(path: string, patch: Partial<DocumentState>): void {
    const current = this.documents.get()[path];
    if (current) this.documents.setKey(path, { ...current, ...patch });
  }

  #emitReplaced(path: string, content: string): void {
    for (const listener of this.#replaced) listener(path, content);
  }
}
