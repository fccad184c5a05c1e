import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appendMessages, listMessages } from '@/db/queries/chats';
import { message } from '@/db/schema';
import type { StoredContent } from '@/lib/agent/protocol';
import { countMessages, countStored } from '@/server/memory/count';
import { promptToolsTokens } from '@/server/memory/turn-memory';
import { chatMessages } from '@/server/model/conversation';
import { setupTurnKit } from '@/server/model/turn-test-kit';

// Each message's prompt tokens are counted once and stored on its row (message.tokens); rows without a
// count (written before the column, or by a writer that does not count) are counted and stored at the next turn.
const kit = setupTurnKit();
const user = (text: string) => ({ kind: 'user' as const, text });

describe('message.tokens', () => {
  it('a turn stores each new message with its fresh count, and the context it reports equals a fresh count of the prompt', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'first answer' }, { text: 'second answer' }] });
    await kit.turn(user('one'));
    const { events } = await kit.turn(user('two <|endoftext|> ' + 'x'.repeat(400)));
    const rows = await listMessages(kit.db, kit.chatId);
    expect(rows.map((r) => r.role)).toEqual(['user', 'assistant', 'user', 'assistant']);
    for (const r of rows) expect(r.tokens).toBe(countStored(r.content as StoredContent));
    // what the panel's meter got for the second call: the whole prompt re-tokenised
    const prompt = chatMessages(rows.slice(0, 3).map((r) => r.content as StoredContent));
    expect(events.find((e) => e.type === 'context')).toMatchObject({ used: countMessages(prompt) + promptToolsTokens() });
  });

  it('rows stored without a count are counted at the next turn and the count is stored', async () => {
    const [old] = await appendMessages(kit.db, kit.chatId, [{ role: 'user', content: { kind: 'user', text: 'written before message.tokens' } }]);
    await appendMessages(kit.db, kit.chatId, [{ role: 'assistant', content: { kind: 'assistant', text: 'an old answer', toolCalls: [], finishReason: 'stop', model: 'scripted-model' } }]);
    expect(old!.tokens).toBeNull();
    kit.model.load({ name: 't', steps: [{ text: 'ok' }] });
    const { events } = await kit.turn(user('next'));
    expect(events.at(-1)).toMatchObject({ type: 'done' });
    const rows = await kit.db.select().from(message).where(eq(message.chatId, kit.chatId));
    expect(rows).toHaveLength(4);
    for (const r of rows) expect(r.tokens).toBe(countStored(r.content as StoredContent));
  });
});
