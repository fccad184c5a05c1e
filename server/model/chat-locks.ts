import 'server-only';

/** How long a turn waits for the previous turn of its chat to end (e.g. one that was just stopped). */
const BUSY_WAIT_MS = 2_000;

export type ChatLocks = ReturnType<typeof chatLocks>;

/**
 * One turn at a time per chat (in this process): a second one waits briefly for the first to end,
 * then is refused, so two answers never interleave in one conversation.
 */
export function chatLocks() {
  const running = new Map<string, Promise<void>>();
  /** Resolves with the release function (and whether it had to wait), or null when still busy. */
  async function acquire(chatId: string): Promise<{ release: () => void; waited: boolean } | null> {
    const deadline = Date.now() + BUSY_WAIT_MS;
    let waited = false;
    for (let current = running.get(chatId); current; current = running.get(chatId)) {
      waited = true;
      const left = deadline - Date.now();
      if (left <= 0) return null;
      await Promise.race([current, new Promise((r) => setTimeout(r, left))]);
    }
    let release!: () => void;
    running.set(chatId, new Promise<void>((resolve) => (release = resolve)));
    const done = () => {
      running.delete(chatId);
      release();
    };
    return { release: done, waited };
  }
  return { acquire, busy: (chatId: string) => running.has(chatId) };
}
