import { describe, expect, it, vi } from 'vitest';
import { createMemoryJournal, type Journal } from '@/lib/autosave/journal';
import { FilesStore, type FilesBackend, type FileSnapshot, type SaveFailure } from '@/lib/stores/files';

// A server in memory with the same rules as files.write: a version per file, stale writes refused.
class FakeServer implements FilesBackend {
  files = new Map<string, { content: string; version: number }>();
  down = false;
  writes: { path: string; content: string; expectedVersion: number }[] = [];

  constructor(initial: Record<string, string>) {
    for (const [path, content] of Object.entries(initial)) this.files.set(path, { content, version: 1 });
  }
  async read(path: string): Promise<FileSnapshot | null> {
    if (this.down) throw new NetworkError();
    const f = this.files.get(path);
    return f ? { path, ...f } : null;
  }
  async write(path: string, content: string, expectedVersion: number) {
    if (this.down) throw new NetworkError();
    this.writes.push({ path, content, expectedVersion });
    const f = this.files.get(path);
    if (!f) throw new CodedError('gone');
    if (f.version !== expectedVersion) throw new CodedError('conflict');
    if (content.length > 1000) throw new CodedError('rejected');
    f.content = content;
    f.version++;
    return { version: f.version };
  }
  async create(path: string, content: string) {
    if (this.down) throw new NetworkError();
    if (this.files.has(path)) throw new CodedError('conflict');
    this.files.set(path, { content, version: 1 });
    return { version: 1 };
  }
  /** Another tab or the agent saving. */
  external(path: string, content: string): FileSnapshot {
    const f = this.files.get(path)!;
    f.content = content;
    f.version++;
    return { path, ...f };
  }
  snapshot(path: string): FileSnapshot {
    return { path, ...this.files.get(path)! };
  }
}
class NetworkError extends Error {}
class CodedError extends Error {
  constructor(readonly kind: SaveFailure) {
    super(kind);
  }
}
const classify = (e: unknown): SaveFailure => (e instanceof CodedError ? e.kind : 'offline');

function makeStore(server: FakeServer, journal: Journal, clientId = 'tab-1', live = new Set<string>()) {
  return new FilesStore({
    projectId: 'p1',
    clientId,
    backend: server,
    journal,
    classify,
    liveClients: async () => live,
    saveDelayMs: 5,
    journalDelayMs: 1,
    retryDelaysMs: [10, 20],
    onError: (e) => {
      throw e;
    },
  });
}

const statusOf = (store: FilesStore, path: string) => store.documents.get()[path]?.status;

describe('FilesStore autosave', () => {
  it('saves a debounced edit with the version it started from, then clears the journal', async () => {
    const server = new FakeServer({ 'src/App.tsx': 'v1' });
    const journal = createMemoryJournal();
    const store = makeStore(server, journal);
    expect(store.open(server.snapshot('src/App.tsx'))).toBe('v1');
    store.edit('src/App.tsx', 'v1 a');
    store.edit('src/App.tsx', 'v1 ab');
    expect(statusOf(store, 'src/App.tsx')).toBe('dirty');
    expect(store.saveState.get()).toBe('dirty');
    await vi.waitFor(() => expect(statusOf(store, 'src/App.tsx')).toBe('saved'));
    expect(server.writes).toEqual([{ path: 'src/App.tsx', content: 'v1 ab', expectedVersion: 1 }]);
    expect(store.documents.get()['src/App.tsx']?.baseVersion).toBe(2);
    expect(journal.entries()).toEqual([]);
    expect(store.hasUnsaved()).toBe(false);
  });

  it('an edit made while a save is in flight is saved next, against the new version', async () => {
    const server = new FakeServer({ a: '' });
    const store = makeStore(server, createMemoryJournal());
    store.open(server.snapshot('a'));
    store.edit('a', 'one');
    const first = store.save('a');
    store.edit('a', 'one two');
    await first;
    await vi.waitFor(() => expect(server.files.get('a')).toEqual({ content: 'one two', version: 3 }));
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('saved'));
    expect(server.writes.map((w) => w.expectedVersion)).toEqual([1, 2]);
  });

  it('keeps unsent edits in the journal while offline and sends them when the server is back', async () => {
    const server = new FakeServer({ a: 'x' });
    const journal = createMemoryJournal();
    const store = makeStore(server, journal);
    store.open(server.snapshot('a'));
    server.down = true;
    store.edit('a', 'typed offline');
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('offline'));
    expect(store.saveState.get()).toBe('offline');
    expect(journal.entries()).toMatchObject([{ path: 'a', content: 'typed offline', baseVersion: 1, clientId: 'tab-1' }]);
    server.down = false;
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('saved'));
    expect(server.files.get('a')?.content).toBe('typed offline');
    expect(journal.entries()).toEqual([]);
  });

  it('a stale save becomes a conflict; keeping mine overwrites theirs with the new version', async () => {
    const server = new FakeServer({ a: 'base' });
    const store = makeStore(server, createMemoryJournal());
    store.open(server.snapshot('a'));
    server.external('a', 'theirs');
    store.edit('a', 'mine');
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('conflict'));
    expect(store.documents.get().a?.theirs).toEqual({ path: 'a', content: 'theirs', version: 2 });
    expect(server.files.get('a')?.content).toBe('theirs');
    await store.resolveConflict('a', 'mine');
    expect(server.files.get('a')).toEqual({ content: 'mine', version: 3 });
    expect(statusOf(store, 'a')).toBe('saved');
  });

  it('taking theirs replaces the text in the editor and drops my journal entry', async () => {
    const server = new FakeServer({ a: 'base' });
    const journal = createMemoryJournal();
    const store = makeStore(server, journal);
    const replaced: [string, string][] = [];
    store.onReplaced((path, content) => replaced.push([path, content]));
    store.open(server.snapshot('a'));
    server.external('a', 'theirs');
    store.edit('a', 'mine');
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('conflict'));
    expect(journal.entries()).toHaveLength(1);
    await store.resolveConflict('a', 'theirs');
    expect(replaced).toEqual([['a', 'theirs']]);
    expect(store.draftOf('a')).toBe('theirs');
    expect(statusOf(store, 'a')).toBe('saved');
    expect(journal.entries()).toEqual([]);
    expect(server.files.get('a')).toEqual({ content: 'theirs', version: 2 });
  });

  it('edits keep going into the journal during a conflict and are not sent until it is resolved', async () => {
    const server = new FakeServer({ a: 'base' });
    const journal = createMemoryJournal();
    const store = makeStore(server, journal);
    store.open(server.snapshot('a'));
    server.external('a', 'theirs');
    store.edit('a', 'mine');
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('conflict'));
    store.edit('a', 'mine, more');
    await vi.waitFor(() => expect(journal.entries()[0]?.content).toBe('mine, more'));
    expect(server.writes).toHaveLength(1);
    await store.resolveConflict('a', 'mine');
    expect(server.files.get('a')?.content).toBe('mine, more');
  });

  it('two tabs on one file: the second save conflicts and nothing is lost whichever is chosen', async () => {
    const server = new FakeServer({ a: 'base' });
    const journal = createMemoryJournal();
    const tabA = makeStore(server, journal, 'A', new Set(['B']));
    const tabB = makeStore(server, journal, 'B', new Set(['A']));
    tabA.open(server.snapshot('a'));
    tabB.open(server.snapshot('a'));
    tabA.edit('a', 'from A');
    tabB.edit('a', 'from B');
    await vi.waitFor(() => expect([statusOf(tabA, 'a'), statusOf(tabB, 'a')].sort()).toEqual(['conflict', 'saved']));
    const [winner, loser] = statusOf(tabA, 'a') === 'saved' ? [tabA, tabB] : [tabB, tabA];
    expect(loser.documents.get().a?.theirs?.content).toBe(winner.draftOf('a'));
    const losing = loser.draftOf('a')!;
    expect(journal.entries().map((e) => e.content)).toEqual([losing]);
    await loser.resolveConflict('a', 'mine');
    expect(server.files.get('a')?.content).toBe(losing);
  });

  it('a clean document follows a newer server version; a dirty one keeps the draft', async () => {
    const server = new FakeServer({ clean: '1', dirty: '1' });
    const store = makeStore(server, createMemoryJournal());
    const replaced: string[] = [];
    store.onReplaced((path) => replaced.push(path));
    store.open(server.snapshot('clean'));
    store.open(server.snapshot('dirty'));
    server.down = true;
    store.edit('dirty', 'mine');
    expect(store.open(server.external('clean', '2'))).toBe('2');
    expect(store.open(server.external('dirty', '2'))).toBe('mine');
    expect(store.open({ path: 'clean', content: 'old', version: 1 })).toBe('2');
    expect(replaced).toEqual(['clean']);
    store.dispose();
  });

  it('a file deleted elsewhere: keeping mine recreates it, taking theirs forgets it', async () => {
    const server = new FakeServer({ a: 'x', b: 'y' });
    const journal = createMemoryJournal();
    const store = makeStore(server, journal);
    store.open(server.snapshot('a'));
    store.open(server.snapshot('b'));
    server.files.delete('a');
    server.files.delete('b');
    store.edit('a', 'keep me');
    store.edit('b', 'let go');
    await vi.waitFor(() => expect([statusOf(store, 'a'), statusOf(store, 'b')]).toEqual(['conflict', 'conflict']));
    expect(store.documents.get().a?.theirs).toBeNull();
    await store.resolveConflict('a', 'mine');
    await store.resolveConflict('b', 'theirs');
    expect(server.files.get('a')).toEqual({ content: 'keep me', version: 1 });
    expect(store.isOpen('b')).toBe(false);
    expect(journal.entries()).toEqual([]);
  });

  it('a version bump without a text change (a rename) is rebased, not shown as a conflict', async () => {
    const server = new FakeServer({ a: 'same' });
    const store = makeStore(server, createMemoryJournal());
    store.open(server.snapshot('a'));
    server.external('a', 'same');
    store.edit('a', 'mine');
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('saved'));
    expect(server.files.get('a')).toEqual({ content: 'mine', version: 3 });
  });

  it('a refused save (too large) is an error with the reason, and an edit tries again', async () => {
    const server = new FakeServer({ a: '' });
    const store = makeStore(server, createMemoryJournal());
    store.open(server.snapshot('a'));
    store.edit('a', 'x'.repeat(2000));
    await vi.waitFor(() => expect(store.documents.get().a).toMatchObject({ status: 'error', error: 'rejected' }));
    store.edit('a', 'short');
    await vi.waitFor(() => expect(statusOf(store, 'a')).toBe('saved'));
    expect(server.files.get('a')?.content).toBe('short');
  });
});

describe('FilesStore journal replay', () => {
  it('a closed tab’s unsent edits are adopted and saved by the next tab', async () => {
    const server = new FakeServer({ 'src/App.tsx': 'v1', other: 'o' });
    const journal = createMemoryJournal();
    const closed = makeStore(server, journal, 'closed-tab');
    closed.open(server.snapshot('src/App.tsx'));
    server.down = true;
    closed.edit('src/App.tsx', 'typed while the server was down');
    await vi.waitFor(() => expect(journal.entries()).toHaveLength(1));
    closed.dispose();
    server.down = false;

    const next = makeStore(server, journal, 'new-tab');
    expect(await next.restore()).toEqual(['src/App.tsx']);
    expect(server.files.get('src/App.tsx')).toEqual({ content: 'typed while the server was down', version: 2 });
    expect(statusOf(next, 'src/App.tsx')).toBe('saved');
    expect(next.open(server.snapshot('src/App.tsx'))).toBe('typed while the server was down');
    expect(journal.entries()).toEqual([]);
  });

  it('says the journal was read before its saves end (or when it could not be read): a snapshot opened then shows the draft', async () => {
    const server = new FakeServer({ a: 'v1' });
    const journal = createMemoryJournal();
    await journal.put({ projectId: 'p1', clientId: 'gone', path: 'a', content: 'offline edit', baseVersion: 1, updatedAt: 1 });
    server.down = true;
    const store = makeStore(server, journal, 'me');
    expect(store.replayed.get()).toBe(false);
    await store.restore();
    expect(store.replayed.get()).toBe(true);
    expect(statusOf(store, 'a')).toBe('offline');
    expect(store.open(server.snapshot('a'))).toBe('offline edit');
    store.dispose();
    const broken = makeStore(server, { ...journal, list: () => Promise.reject(new Error('no IndexedDB')) }, 'other');
    await expect(broken.restore()).rejects.toThrow('no IndexedDB');
    expect(broken.replayed.get()).toBe(true);
  });

  it('a replay against a file that changed meanwhile is a conflict, with both versions kept', async () => {
    const server = new FakeServer({ a: 'v1' });
    const journal = createMemoryJournal();
    await journal.put({ projectId: 'p1', clientId: 'gone', path: 'a', content: 'offline edit', baseVersion: 1, updatedAt: 1 });
    server.external('a', 'changed by the agent');
    const store = makeStore(server, journal, 'me');
    await store.restore();
    expect(store.documents.get().a).toMatchObject({ status: 'conflict', theirs: { content: 'changed by the agent', version: 2 } });
    expect(store.draftOf('a')).toBe('offline edit');
    expect(journal.entries()).toMatchObject([{ clientId: 'me', content: 'offline edit' }]);
  });

  it('leaves the entries of tabs that are still open to them, and of other projects alone', async () => {
    const server = new FakeServer({ a: 'v1' });
    const journal = createMemoryJournal();
    await journal.put({ projectId: 'p1', clientId: 'alive', path: 'a', content: 'theirs to send', baseVersion: 1, updatedAt: 1 });
    await journal.put({ projectId: 'p2', clientId: 'gone', path: 'a', content: 'other project', baseVersion: 1, updatedAt: 1 });
    const store = makeStore(server, journal, 'me', new Set(['alive']));
    expect(await store.restore()).toEqual([]);
    expect(server.writes).toEqual([]);
    expect(journal.entries()).toHaveLength(2);
  });

  it('with several orphans for one file, the newest is replayed and the others wait their turn', async () => {
    const server = new FakeServer({ a: 'v1' });
    const journal = createMemoryJournal();
    await journal.put({ projectId: 'p1', clientId: 'old', path: 'a', content: 'older', baseVersion: 1, updatedAt: 1 });
    await journal.put({ projectId: 'p1', clientId: 'new', path: 'a', content: 'newer', baseVersion: 1, updatedAt: 2 });
    const store = makeStore(server, journal, 'me');
    await store.restore();
    expect(server.files.get('a')?.content).toBe('newer');
    expect(journal.entries()).toMatchObject([{ clientId: 'old', content: 'older' }]);
  });
});
