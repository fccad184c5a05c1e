import { describe, expect, it, vi } from 'vitest';
import { createMemoryJournal } from '@/lib/autosave/journal';
import { TabJournal } from '@/lib/autosave/tab-journal';

describe('TabJournal.adopt', () => {
  it('asks which tabs are alive only when another tab left entries: an empty journal or a reload’s own entries ask nobody', async () => {
    const journal = createMemoryJournal();
    const liveClients = vi.fn(async () => new Set(['alive']));
    const tab = new TabJournal({ journal, projectId: 'p1', clientId: 'me', liveClients, onError: (e) => { throw e; } });
    expect(await tab.adopt(() => false)).toEqual([]);
    await journal.put({ projectId: 'p1', clientId: 'me', path: 'a', content: 'mine', baseVersion: 1, updatedAt: 1 });
    expect(await tab.adopt(() => false)).toMatchObject([{ path: 'a', content: 'mine' }]);
    expect(liveClients).not.toHaveBeenCalled();

    await journal.put({ projectId: 'p1', clientId: 'alive', path: 'b', content: 'theirs', baseVersion: 1, updatedAt: 2 });
    expect(await tab.adopt(() => false)).toMatchObject([{ path: 'a', content: 'mine' }]);
    expect(liveClients).toHaveBeenCalledTimes(1);
  });
});
