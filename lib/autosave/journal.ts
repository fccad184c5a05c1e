// The autosave journal: every edit that has not reached the server yet, kept in the browser
// (IndexedDB in the app) so a crash, a closed tab or a dead server loses nothing.

export interface JournalEntry {
  projectId: string;
  /** The browser tab that wrote it; entries of tabs that are gone are adopted on the next load. */
  clientId: string;
  path: string;
  content: string;
  /** The server version this edit started from; replay writes with it as expectedVersion. */
  baseVersion: number;
  updatedAt: number;
}

export interface Journal {
  put(entry: JournalEntry): Promise<void>;
  /** Every entry of a project, from every tab. */
  list(projectId: string): Promise<JournalEntry[]>;
  /**
   * Deletes the entry only while it still holds `content`: a newer edit journaled after the save
   * began must survive the save's cleanup.
   */
  remove(key: { projectId: string; clientId: string; path: string }, ifContent?: string): Promise<void>;
}

export function createMemoryJournal(): Journal & { entries(): JournalEntry[] } {
  const store = new Map<string, JournalEntry>();
  const keyOf = (k: { projectId: string; clientId: string; path: string }) => JSON.stringify([k.projectId, k.clientId, k.path]);
  return {
    async put(entry) {
      store.set(keyOf(entry), { ...entry });
    },
    async list(projectId) {
      return [...store.values()].filter((e) => e.projectId === projectId).map((e) => ({ ...e }));
    },
    async remove(key, ifContent) {
      const current = store.get(keyOf(key));
      if (current && (ifContent === undefined || current.content === ifContent)) store.delete(keyOf(key));
    },
    entries: () => [...store.values()],
  };
}
