import type { StoredContent } from '@/lib/agent/protocol';

/** A stored message as memory works on it: the row's id and its content (db message.content). */
export interface MemoryMessage {
  id: string;
  content: StoredContent;
  /** The row's stored count of its own prompt message (countStored); absent or null → counted when needed. */
  tokens?: number | null;
}

/** The latest compaction of a chat (db memory_record), as memory needs it. */
export interface MemoryState {
  version: number;
  summary: string;
  /** The last message the summary covers; the prompt shows the messages after it. */
  throughMessageId: string;
  /** Shown when the compaction also dropped turns it could not summarize. */
  notice: string | null;
}
