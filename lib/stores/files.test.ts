import { describe, expect, it, vi } from 'vitest';
import { createMemoryJournal } from '@/lib/autosave/journal';
import { FakeServer, makeStore, statusOf } from '@/lib/stores/files-testing';

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
