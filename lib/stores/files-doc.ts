import type { DocumentState, FileSnapshot, SaveStatus } from '@/lib/stores/files-types';

// One open document's autosave bookkeeping, for FilesStore (files.ts): its text, what the server
// holds, the save in flight and the two timers (the debounced save and the journal write).

export class OpenDocument {
  recreate = false;
  inFlight?: Promise<void>;
  /** Another save was asked for while one was in flight. */
  again = false;
  retries = 0;
  #timers: Partial<Record<'save' | 'journal', ReturnType<typeof setTimeout>>> = {};

  constructor(
    public draft: string,
    /** What the server holds at baseVersion, when known (null after a journal restore). */
    public saved: string | null,
    public baseVersion: number,
  ) {}

  /** Nothing to send: the server holds the draft. */
  get clean(): boolean {
    return this.draft === this.saved && !this.recreate;
  }

  /** The server holds `content` at `version`, and so does the editor. */
  settle(content: string, version: number): void {
    this.draft = this.saved = content;
    this.baseVersion = version;
  }

  /** The wait before the next try of a save that found the server unreachable (backing off). */
  nextRetryDelay(delays: readonly number[]): number {
    return delays[Math.min(this.retries++, delays.length - 1)]!;
  }

  /** Runs `run` after `delay` ms, replacing what this timer had scheduled. */
  schedule(timer: 'save' | 'journal', delay: number, run: () => void): void {
    clearTimeout(this.#timers[timer]);
    this.#timers[timer] = setTimeout(() => {
      this.#timers[timer] = undefined;
      run();
    }, delay);
  }

  cancel(timer: 'save' | 'journal'): void {
    clearTimeout(this.#timers[timer]);
    this.#timers[timer] = undefined;
  }

  cancelAll(): void {
    this.cancel('save');
    this.cancel('journal');
  }
}

/**
 * A save was refused as a conflict and the server's copy was read (null: the file is gone):
 * - `rebase`: the version moved but the text did not (a rename, an identical write): save again on it;
 * - `same`: the server already holds exactly the draft;
 * - `conflict`: the user has to choose.
 */
export function conflictOutcome(doc: OpenDocument, theirs: FileSnapshot | null): 'rebase' | 'same' | 'conflict' {
  if (theirs && theirs.content === doc.saved && theirs.version !== doc.baseVersion) return 'rebase';
  if (theirs && theirs.content === doc.draft) return 'same';
  return 'conflict';
}

const severity: Record<SaveStatus, number> = { saved: 0, dirty: 1, saving: 2, offline: 3, error: 4, conflict: 5 };

/** The worst state of any open document: what the status bar shows. */
export function worstStatus(docs: Record<string, DocumentState>): SaveStatus {
  return Object.values(docs).reduce<SaveStatus>((worst, d) => (severity[d.status] > severity[worst] ? d.status : worst), 'saved');
}
