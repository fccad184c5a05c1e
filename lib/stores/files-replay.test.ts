import { describe, expect, it, vi } from 'vitest';
import { createMemoryJournal } from '@/lib/autosave/journal';
import { FakeServer, makeStore, statusOf } from '@/lib/stores/files-testing';

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
