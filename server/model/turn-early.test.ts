import { and, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appendMessages, createChat, truncateFrom } from '@/db/queries/chats';
import { projectMember } from '@/db/schema';
import type { TurnEvent } from '@/lib/agent/protocol';
import { setupTurnKit } from '@/server/model/turn-test-kit';

// The next turn of a chat this process just served starts the model call before the database check
// (server/model/turn-handler.ts, history-cache.ts). These show that the check still decides: when
// the chat or the user's role changed, the early call is aborted and nothing of it reaches the
// browser or the database.
const kit = setupTurnKit();
const { turn, stored } = kit;

const doneId = (events: TurnEvent[]) => events.flatMap((e) => (e.type === 'done' ? [e.messageId] : []))[0]!;
const texts = (events: TurnEvent[]) => events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('');

describe('early model call on the next turn', () => {
  it('answers the next turn from the same conversation, with one model call per turn', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'One.' }, { text: 'Two.' }, { text: 'Three.' }] });
    const first = await turn({ kind: 'user', text: 'first' });
    const second = await turn({ kind: 'user', text: 'second' }, { after: doneId(first.events) });
    const third = await turn({ kind: 'user', text: 'third' }, { after: doneId(second.events) });
    expect([first.text, second.text, third.text]).toEqual(['One.', 'Two.', 'Three.']);
    expect(kit.model.requests()).toHaveLength(3);
    // what the model got on the third turn is the whole stored conversation
    expect(kit.lastModelBody().messages.slice(1).map((m) => m.content)).toEqual(['first', 'One.', 'second', 'Two.', 'third']);
    expect((await stored()).map((m) => m.kind)).toEqual(['user', 'assistant', 'user', 'assistant', 'user', 'assistant']);
  });

  it('aborts the early call when the chat was cut since, and answers on what is stored', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'Answer.', repeat: true }] });
    const first = await turn({ kind: 'user', text: 'first' });
    const second = await turn({ kind: 'user', text: 'second' }, { after: doneId(first.events) });
    // another tab cuts the chat back to its first exchange; this tab still holds the old hint
    const secondUser = (await stored()).at(2)!;
    expect(secondUser).toMatchObject({ kind: 'user', text: 'second' });
    const rows = await kit.db.query.message.findMany({ where: (m, { eq: is }) => is(m.chatId, kit.chatId), orderBy: (m, { asc }) => asc(m.seq) });
    await truncateFrom(kit.db, kit.projectId, kit.chatId, rows[2]!.id);

    const third = await turn({ kind: 'user', text: 'third' }, { after: doneId(second.events) });
    expect(third.status).toBe(200);
    expect(third.text).toBe('Answer.');
    // the early call went out (on the old conversation) and was dropped; the answer came from a second one
    const calls = kit.model.requests();
    expect(calls).toHaveLength(4);
    expect((calls[2]!.body as { messages: { content: unknown }[] }).messages.map((m) => m.content)).toContain('second');
    expect(kit.lastModelBody().messages.slice(1).map((m) => m.content)).toEqual(['first', 'Answer.', 'third']);
    expect((await stored()).map((m) => ('text' in m ? m.text : m.kind))).toEqual(['first', 'Answer.', 'third', 'Answer.']);
  });

  it('aborts the early call when the user lost the editing role: refused, nothing sent, nothing stored', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'Secret answer.', chunkChars: 3, repeat: true }] });
    await kit.db.update(projectMember).set({ role: 'editor' }).where(and(eq(projectMember.projectId, kit.projectId), eq(projectMember.userId, kit.viewer.id)));
    const first = await turn({ kind: 'user', text: 'first' }, {}, kit.viewer);
    expect(first.text).toBe('Secret answer.');
    await kit.db.update(projectMember).set({ role: 'viewer' }).where(and(eq(projectMember.projectId, kit.projectId), eq(projectMember.userId, kit.viewer.id)));

    const refused = await turn({ kind: 'user', text: 'second' }, { after: doneId(first.events) }, kit.viewer);
    expect(refused.status).toBe(403);
    expect(refused.events).toMatchObject([{ type: 'error', code: 'forbidden' }]);
    expect(texts(refused.events)).toBe('');
    expect(kit.model.requests()).toHaveLength(2); // the early call was made, then aborted
    expect((await stored()).map((m) => m.kind)).toEqual(['user', 'assistant']);
  });

  it('makes no early call without the browser’s hint (the browser cut the chat itself, so it has none)', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'Answer.', repeat: true }] });
    await turn({ kind: 'user', text: 'first' });
    const rows = await kit.db.query.message.findMany({ where: (m, { eq: is }) => is(m.chatId, kit.chatId), orderBy: (m, { asc }) => asc(m.seq) });
    await truncateFrom(kit.db, kit.projectId, kit.chatId, rows[0]!.id);
    const again = await turn({ kind: 'user', text: 'edited first' });
    expect(again.text).toBe('Answer.');
    expect(kit.model.requests()).toHaveLength(2);
  });

  it('starts a new chat’s first turn early for a user checked a moment ago; a chat that was not new after all is answered on what it holds', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'Answer.', repeat: true }] });
    await turn({ kind: 'user', text: 'first' }); // the owner's role is checked here
    kit.chatId = (await createChat(kit.db, kit.projectId)).id;
    const fresh = await turn({ kind: 'user', text: 'new task' }, { after: null });
    expect(fresh.text).toBe('Answer.');
    expect(kit.model.requests()).toHaveLength(2);

    // the browser thinks this chat is new, but another tab already wrote to it
    kit.chatId = (await createChat(kit.db, kit.projectId)).id;
    await appendMessages(kit.db, kit.chatId, [{ role: 'user', content: { kind: 'user', text: 'written elsewhere' } }]);
    const notNew = await turn({ kind: 'user', text: 'hello' }, { after: null });
    expect(notNew.text).toBe('Answer.');
    expect(kit.model.requests()).toHaveLength(4); // the early call, aborted, and the real one
    expect(kit.lastModelBody().messages.slice(1).map((m) => m.content)).toEqual(['written elsewhere', 'hello']);
  });

  it('makes no early call for a new chat when the user’s role was not checked in this process', async () => {
    kit.model.load({ name: 't', steps: [{ text: 'Answer.', repeat: true }] });
    // the stranger holds no role: refused, and the model was never called
    const refused = await turn({ kind: 'user', text: 'hello' }, { after: null }, kit.stranger);
    expect(refused.status).toBe(404);
    expect(kit.model.requests()).toHaveLength(0);
  });
});

