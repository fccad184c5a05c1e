import 'server-only';
import type { StoredContent } from '@/lib/agent/protocol';

// The conversations this process has just run a turn in, so the next turn of the same chat can call
// the model without waiting for the database (server/model/turn-handler.ts). An entry is only a
// guess: the handler checks it against the database's state of the chat (the last message's id:
// messages are never changed, only appended or cut from the end) before anything from
// that call reaches the browser. Bounded by entries and by characters, least recently used first out.

export interface CachedConversation {
  projectId: string;
  /** The user whose turn produced this state (who then held an editing role). */
  userId: string;
  contents: StoredContent[];
  lastId: string;
  /** Size of `contents` as JSON, for the bound. */
  chars: number;
}

export class HistoryCache {
  private readonly entries = new Map<string, CachedConversation>();
  private total = 0;

  constructor(
    private readonly maxChars = 64 * 1024 * 1024,
    private readonly maxEntries = 1_000,
  ) {}

  /** The chat's cached state if the same user ran its last turn in this process, in this project. */
  get(chatId: string, projectId: string, userId: string): CachedConversation | undefined {
    const entry = this.entries.get(chatId);
    if (!entry || entry.projectId !== projectId || entry.userId !== userId) return undefined;
    this.entries.delete(chatId);
    this.entries.set(chatId, entry); // most recently used last
    return entry;
  }

  set(chatId: string, entry: CachedConversation): void {
    this.forget(chatId);
    if (entry.chars > this.maxChars) return;
    this.entries.set(chatId, entry);
    this.total += entry.chars;
    for (const [oldest, value] of this.entries) {
      if (this.total <= this.maxChars && this.entries.size <= this.maxEntries) break;
      this.entries.delete(oldest);
      this.total -= value.chars;
    }
  }

  forget(chatId: string): void {
    const entry = this.entries.get(chatId);
    if (!entry) return;
    this.entries.delete(chatId);
    this.total -= entry.chars;
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Who passed the editing-role check on which project in the last minute (this process). The first
 * turn of a chat the browser just created starts early only for them, so a stranger's request never
 * costs an upstream call; the database still decides before anything is sent.
 */
export class RecentAccess {
  private readonly checked = new Map<string, number>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  remember(userId: string, projectId: string): void {
    const key = `${userId}:${projectId}`;
    this.checked.delete(key);
    this.checked.set(key, Date.now());
    if (this.checked.size > this.maxEntries) this.checked.delete(this.checked.keys().next().value!);
  }

  recent(userId: string, projectId: string): boolean {
    const at = this.checked.get(`${userId}:${projectId}`);
    return at !== undefined && Date.now() - at < this.ttlMs;
  }
}
