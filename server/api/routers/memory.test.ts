import { TRPCClientError } from '@trpc/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { appendMessages, setPlan } from '@/db/queries/chats';
import { readFile } from '@/db/queries/files';
import { addDecision, loadChatMemory } from '@/db/queries/memory';
import { addTokens, utcDay } from '@/db/queries/usage';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { setupTurnKit } from '@/server/model/turn-test-kit';
import { agentStep, commandOutput, userMessage } from '@/server/memory/testing';

// memory.get, memory.setNotes and chat.compact over real HTTP, with roles: viewers read, editors
// change, strangers are told the project does not exist.

const kit = setupTurnKit();

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise;
    return null;
  } catch (error) {
    if (!(error instanceof TRPCClientError)) throw error;
    return (error.data as { appCode: string | null; code: string }).appCode ?? (error.data as { code: string }).code;
  }
}

beforeEach(async () => {
  kit.turns.memory = { window: () => 50_000, threshold: 0.8 };
  const seeded = [userMessage('Build a todo app. Use TypeScript.')];
  for (let i = 0; i < 8; i++) {
    seeded.push(...agentStep(`step ${i}`, [{ name: 'run_command', args: { command: `npm test -- ${i}` }, output: commandOutput('npm test', 0, `ok ${i}\n`.repeat(40)) }]));
  }
  const rows = await appendMessages(kit.db, kit.chatId, seeded.map((m) => ({ role: m.content.kind, content: m.content })));
  await addDecision(kit.db, kit.projectId, kit.chatId, rows[1]!.id, { text: 'Store todos in localStorage' });
  await setPlan(kit.db, kit.projectId, kit.chatId, [{ title: 'Scaffold', status: 'done' }]);
});

describe('memory router', () => {
  it('shows a viewer the plan, decisions, notes and context size; a stranger nothing', async () => {
    const view = await kit.client(kit.viewer).memory.get.query({ projectId: kit.projectId, chatId: kit.chatId });
    expect(view).toMatchObject({
      summary: null,
      plan: [{ title: 'Scaffold', status: 'done' }],
      decisions: ['Store todos in localStorage'],
      context: { window: 50_000, model: 'scripted-model' },
      compactions: [],
    });
    expect(view.context.used).toBeGreaterThan(1_000);
    expect(await codeOf(kit.client(kit.stranger).memory.get.query({ projectId: kit.projectId, chatId: kit.chatId }))).toBe('not_found:project');
    expect(await codeOf(kit.client(kit.viewer).memory.get.query({ projectId: kit.projectId, chatId: kit.chatId, model: 'not-configured' }))).toBe('not_found:model');
  });

  it('lets an editor write AGENTS.md as a file (versioned), which the next view and prompt read; not a viewer', async () => {
    const editor = kit.client(kit.editor);
    const input = { projectId: kit.projectId, text: 'Always run npm test.' };
    expect(await codeOf(kit.client(kit.viewer).memory.setNotes.mutate({ ...input, expectedVersion: null }))).toBe('forbidden:project');
    const first = await editor.memory.setNotes.mutate({ ...input, expectedVersion: null });
    const file = await readFile(kit.db, kit.projectId, 'AGENTS.md');
    expect(new TextDecoder().decode(file!.content)).toBe('Always run npm test.');
    expect(file!.version).toBe(first.version);
    // a stale version is a conflict, not an overwrite
    await editor.memory.setNotes.mutate({ ...input, text: 'v2', expectedVersion: first.version });
    expect(await codeOf(editor.memory.setNotes.mutate({ ...input, text: 'v3', expectedVersion: first.version }))).toBe('conflict:file');
    expect(await codeOf(editor.memory.setNotes.mutate({ ...input, text: 'x'.repeat(33 * 1024), expectedVersion: null }))).toBe('BAD_REQUEST');
    expect((await loadChatMemory(kit.db, kit.projectId, kit.chatId)).notes).toBe('v2');
    const view = await editor.memory.get.query({ projectId: kit.projectId, chatId: kit.chatId });
    expect(view.notes).toEqual({ text: 'v2', version: first.version + 1 });
  });

  it('chat.compact summarizes under the threshold for an editor, stores the record and shows it after a reload', async () => {
    kit.model.load({ name: 'summary', steps: [{ match: { contains: 'the conversation being compacted' }, text: 'Scaffolded the app; tests pass.' }] });
    expect(await codeOf(kit.client(kit.viewer).chat.compact.mutate({ projectId: kit.projectId, chatId: kit.chatId }))).toBe('forbidden:project');
    expect(kit.model.requests()).toHaveLength(0);
    const before = await kit.client().memory.get.query({ projectId: kit.projectId, chatId: kit.chatId });
    const result = await kit.client(kit.editor).chat.compact.mutate({ projectId: kit.projectId, chatId: kit.chatId });
    if (result.status !== 'compacted') throw new Error(result.status);
    expect(result.compaction).toMatchObject({ version: 1, before: before.context.used });
    expect(result.used).toBeLessThan(before.context.used);
    const after = await kit.client(kit.viewer).memory.get.query({ projectId: kit.projectId, chatId: kit.chatId });
    expect(after.summary).toEqual({ version: 1, text: 'Scaffolded the app; tests pass.', notice: null });
    expect(after.context.used).toBe(result.used);
    const { compactions } = await kit.client(kit.viewer).chat.messages.query({ projectId: kit.projectId, chatId: kit.chatId });
    expect(compactions).toMatchObject([{ version: 1, tokensBefore: before.context.used, tokensAfter: result.used, notice: null }]);
  });

  it('chat.compact answers upstream:model and changes nothing when the summary call fails', async () => {
    kit.model.load({ name: 'down', steps: [{ text: 'never', fault: { status: 500, times: 5 } }] });
    expect(await codeOf(kit.client().chat.compact.mutate({ projectId: kit.projectId, chatId: kit.chatId }))).toBe('upstream:model');
    expect((await loadChatMemory(kit.db, kit.projectId, kit.chatId)).memory).toBeNull();
  });

  it('does not show or compact a chat of another project through this project', async () => {
    const owner = createCaller(createContextInner({ db: kit.db, user: kit.owner, turns: kit.turns }));
    const other = await owner.project.create({ title: 'other' });
    const foreign = (await owner.chat.create({ projectId: other.id })).id;
    // the editor of this project names the other project's chat
    const editor = kit.client(kit.editor);
    expect(await codeOf(editor.memory.get.query({ projectId: kit.projectId, chatId: foreign }))).toBe('not_found:chat');
    expect(await codeOf(editor.chat.compact.mutate({ projectId: kit.projectId, chatId: foreign }))).toBe('not_found:chat');
    expect(kit.model.requests()).toHaveLength(0);
  });

  it('chat.compact is refused when the day’s model budget is spent, before any model call', async () => {
    kit.budget = { dailyTokens: 1_000, turnsPerMinute: 0 };
    await addTokens(kit.db, kit.editor.id, utcDay(new Date()), 1_000);
    expect(await codeOf(kit.client(kit.editor).chat.compact.mutate({ projectId: kit.projectId, chatId: kit.chatId }))).toBe('budget:model');
    expect(kit.model.requests()).toHaveLength(0);
  });
});
