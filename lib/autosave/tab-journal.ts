import type { Journal, JournalEntry } from '@/lib/autosave/journal';

// One tab's view of the autosave journal: it writes and clears this tab's entries (failures go to
// onError, never thrown into the editor), and on load adopts what this tab left (a reload) and what
// closed tabs left behind. The files store decides when; this decides how.

export interface TabJournalOptions {
  journal: Journal;
  projectId: string;
  clientId: string;
  /** Client ids of other tabs still alive; their entries are theirs to replay. */
  liveClients?: () => Promise<Set<string>>;
  onError: (error: unknown) => void;
}

export class TabJournal {
  readonly #opts: TabJournalOptions;

  constructor(options: TabJournalOptions) {
    this.#opts = options;
  }

  async put(path: string, content: string, baseVersion: number): Promise<void> {
    const { projectId, clientId } = this.#opts;
    try {
      await this.#opts.journal.put({ projectId, clientId, path, content, baseVersion, updatedAt: Date.now() });
    } catch (error) {
      this.#opts.onError(error);
    }
  }

  /** Clears the entry, only while it still holds `ifContent` when given (a newer edit survives). */
  async remove(path: string, ifContent?: string): Promise<void> {
    const { projectId, clientId } = this.#opts;
    try {
      await this.#opts.journal.remove({ projectId, clientId, path }, ifContent);
    } catch (error) {
      this.#opts.onError(error);
    }
  }

  /**
   * The newest unsent edit of each path not already open, taken over by this tab. Older entries of
   * gone tabs with other text stay journaled and are adopted on a later load: nothing is dropped.
   */
  async adopt(isOpen: (path: string) => boolean): Promise<JournalEntry[]> {
    const { journal, projectId, clientId: own } = this.#opts;
    const entries = await journal.list(projectId);
    // Which tabs live matters only for other tabs' entries: a journal with none asks nobody (the editor waits for this).
    const live = entries.some((e) => e.clientId !== own) ? ((await this.#opts.liveClients?.()) ?? new Set<string>()) : new Set<string>();
    const byPath = new Map<string, JournalEntry[]>();
    for (const e of entries) {
      if (e.clientId !== own && live.has(e.clientId)) continue;
      byPath.set(e.path, [...(byPath.get(e.path) ?? []), e]);
    }
    const adopted: JournalEntry[] = [];
    for (const [path, candidates] of byPath) {
      if (isOpen(path)) continue;
      candidates.sort((a, b) => b.updatedAt - a.updatedAt);
      const newest = candidates[0]!;
      for (const e of candidates) {
        if (e.clientId !== own && (e === newest || e.content === newest.content)) {
          await journal.put({ ...e, clientId: own });
          await journal.remove(e);
        }
      }
      adopted.push(newest);
    }
    return adopted;
  }
}
