import type { AgentFileWriter } from '@/lib/agent/environment';
import type { TurnRecord } from '@/lib/agent/history';
import { errorText } from '@/lib/errors';

// The page's turn records (each turn's files before and after) in local storage, per chat, so
// "revert this turn" still works after a reload; and the revert itself. Bounded: the last turns that fit.

const MAX_TURNS = 10;
const MAX_CHARS = 2_000_000;

type KeyValue = Pick<Storage, 'getItem' | 'setItem'>;

const key = (chatId: string) => `ide:agent-turns:${chatId}`;

export function saveTurns(storage: KeyValue, chatId: string, turns: TurnRecord[]): void {
  let kept = turns.slice(-MAX_TURNS);
  let json = JSON.stringify(kept);
  while (json.length > MAX_CHARS && kept.length > 0) json = JSON.stringify((kept = kept.slice(1)));
  try {
    storage.setItem(key(chatId), json);
  } catch {
    // Storage full or disabled: the turns are kept for this page only.
  }
}

/** What was saved for the chat; anything malformed is dropped (the storage is not trusted). */
export function loadTurns(storage: KeyValue, chatId: string): TurnRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(storage.getItem(key(chatId)) ?? '[]');
  } catch {
    return [];
  }
  if (!Array.isArray(parsed)) return [];
  const text = (v: unknown) => v === null || typeof v === 'string';
  return parsed.filter(
    (t): t is TurnRecord =>
      !!t &&
      typeof t.id === 'number' &&
      typeof t.prompt === 'string' &&
      typeof t.reverted === 'boolean' &&
      typeof t.usage?.promptTokens === 'number' &&
      typeof t.usage?.completionTokens === 'number' &&
      Array.isArray(t.changes) &&
      t.changes.every((c: { path?: unknown; before?: unknown; after?: unknown } | null) => !!c && typeof c.path === 'string' && text(c.before) && text(c.after)),
  );
}

/** Puts back every file the turn changed, as it was before, newest change first. Returns what failed. */
export async function revertChanges(files: AgentFileWriter, changes: TurnRecord['changes']): Promise<string[]> {
  const failed: string[] = [];
  for (const change of [...changes].reverse()) {
    try {
      if (change.before === null) await files.remove(change.path, { recursive: false });
      else await files.write(change.path, change.before);
    } catch (error) {
      failed.push(`${change.path} (${errorText(error)})`);
    }
  }
  return failed;
}
