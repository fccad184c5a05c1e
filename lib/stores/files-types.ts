import type { Journal } from '@/lib/autosave/journal';

// The files store's vocabulary: what the editor, the status bar and the save backend speak.

export type SaveStatus = 'saved' | 'dirty' | 'saving' | 'offline' | 'conflict' | 'error';

export interface FileSnapshot {
  path: string;
  content: string;
  version: number;
}

export interface FilesBackend {
  /** null when the file does not exist (any more). */
  read(path: string): Promise<FileSnapshot | null>;
  write(path: string, content: string, expectedVersion: number): Promise<{ version: number }>;
  create(path: string, content: string): Promise<{ version: number }>;
}

/** How a failed save is handled: conflict → ask the user; gone → deleted elsewhere; offline → retry; rejected → show. */
export type SaveFailure = 'conflict' | 'gone' | 'offline' | 'rejected';

export interface DocumentState {
  status: SaveStatus;
  baseVersion: number;
  /** Set while status is 'conflict': what the server holds (null: the file was deleted there). */
  theirs?: FileSnapshot | null;
  error?: string;
}

export interface FilesStoreOptions {
  projectId: string;
  clientId: string;
  backend: FilesBackend;
  journal: Journal;
  classify: (error: unknown) => SaveFailure;
  /** Client ids of other tabs still alive; their journal entries are theirs to replay. */
  liveClients?: () => Promise<Set<string>>;
  onSaved?: (snapshot: FileSnapshot) => void;
  /** Journal or unexpected failures: logged or shown by the caller, never swallowed. */
  onError?: (error: unknown) => void;
  saveDelayMs?: number;
  journalDelayMs?: number;
  retryDelaysMs?: readonly number[];
}

/** The autosave's timings when the caller gives none: a save 0.8 s after the last key, the journal at 0.15 s, offline retries backing off to 30 s. */
export const AUTOSAVE_DEFAULTS = {
  saveDelayMs: 800,
  journalDelayMs: 150,
  retryDelaysMs: [1000, 2000, 4000, 8000, 15000, 30000],
  onError: (error: unknown) => console.error('autosave:', error),
} satisfies Partial<FilesStoreOptions>;
