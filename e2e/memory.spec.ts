import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import { createProject, readFile, trpc } from './fixtures/api';
import { AgentPage } from './pages/agent.page';
import { MemoryPage } from './pages/memory.page';
import { WorkbenchPage } from './pages/workbench.page';
import { modelUrl } from './playwright.config';

// Project memory in Chromium: a long scripted session on the host sandbox with a model whose window
// is small (scripted-model-b = 8,192 tokens, MODEL_CONTEXT_WINDOWS in playwright.config.ts), so the
// server compacts it; the notice, the meter, the memory panel and the chats survive a reload.

const COMPACTING = 'the conversation being compacted';
// Each step's output is ~1,200 tokens: from the 4th step on, a prompt passes 80 % of the window and the
// server summarizes the older turns (and keeps only the last turn's output when the kept turns are too big).
const STEPS = 6;
const SUMMARY = 'Handoff: the numbers were counted to 50 again and again; report the total next.';

const scenario = {
  name: 'long-session',
  steps: [
    {
      match: { role: 'user', contains: 'Count the numbers', notContains: COMPACTING },
      text: 'Planning first.',
      toolCalls: [
        { name: 'update_plan', arguments: { items: [{ title: 'Count to 50', status: 'done' }, { title: 'Report the total', status: 'in_progress' }] } },
        { name: 'remember', arguments: { text: 'The user wants totals in decimal' } },
      ],
    },
    ...Array.from({ length: STEPS }, (_, i) => ({
      match: { role: 'tool', notContains: COMPACTING },
      text: `Step ${i + 1}: counting again.`,
      toolCalls: [{ name: 'run_command', arguments: { command: 'seq 1 600' } }],
    })),
    { match: { role: 'tool', notContains: COMPACTING }, text: 'All steps finished.' },
    // Last and repeating, so it answers every summary call whenever the server makes one.
    { match: { contains: COMPACTING }, text: SUMMARY, repeat: true },
  ],
};

async function openProject(page: Page, projectId: string) {
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  await expect(wb.sandboxStatus).toHaveAttribute('data-kind', 'host', { timeout: 60_000 });
  const agent = new AgentPage(page, modelUrl);
  await agent.expectReady();
  return { wb, agent, memory: new MemoryPage(page) };
}

test('a long session is compacted: the notice shows, the meter drops, and a reload keeps messages, notice and memory; chats list', async ({ page }) => {
  test.setTimeout(480_000);
  const projectId = await createProject(page.request, 'static');
  await trpc(page.request, 'sandbox.updateSettings', { projectId, approval: 'auto' });
  const { wb, agent, memory } = await openProject(page, projectId);
  await memory.pickModel('scripted-model-b');
  await agent.useScenario(page.request, scenario);

  await agent.send('Count the numbers from 1 to 50, many times.');
  await agent.expectAnswer('All steps finished.', 300_000);
  await agent.expectIdle();
  await expect(agent.card('run_command', STEPS - 1)).toHaveAttribute('data-status', 'done');

  // At least one compaction, shown where it happened, and the prompt after it is smaller.
  await expect(memory.compactions.first()).toContainText(/Context compacted: [\d.]+k → [\d.]+k tokens/);
  const notice = memory.compactions.first();
  const before = Number(await notice.getAttribute('data-before'));
  const after = Number(await notice.getAttribute('data-after'));
  expect(after).toBeLessThan(before);
  expect(before).toBeGreaterThan(8192 * 0.8);
  const meter = await memory.meterValues();
  expect(meter.window).toBe(8192);
  expect(meter.used).toBeLessThan(before);
  await expect(memory.meter).toContainText('/ 8.2k');
  const requests = await agent.modelRequests(page.request);
  expect(requests.filter((r) => JSON.stringify(r.body).includes(COMPACTING)).length).toBeGreaterThanOrEqual(1);

  await memory.openMemory();
  await expect(memory.summary).toHaveText(SUMMARY);
  await expect(memory.plan).toContainText('[done] Count to 50');
  await expect(memory.decisions).toContainText('The user wants totals in decimal');
  // Pinned notes are the project's AGENTS.md: saved as a file the tree and the next prompt see.
  await memory.saveNotes('Always answer in English.');
  await expect(wb.fileItem('AGENTS.md')).toBeVisible({ timeout: 20_000 });
  expect((await readFile(page.request, projectId, 'AGENTS.md')).content).toBe('Always answer in English.');

  const messageCount = await agent.messages.count();
  const noticeCount = await memory.compactions.count();
  await page.reload();
  await agent.expectReady();
  await expect(agent.messages).toHaveCount(messageCount);
  await expect(memory.compactions).toHaveCount(noticeCount);
  await expect(memory.compactions.first()).toHaveAttribute('data-before', String(before));
  await agent.expectAnswer('All steps finished.');
  await expect(memory.meter).toContainText('/ 8.2k');
  await memory.openMemory();
  await expect(memory.summary).toHaveText(SUMMARY);
  await expect(memory.decisions).toContainText('The user wants totals in decimal');
  await expect(memory.notes).toHaveValue('Always answer in English.');

  // Chats: a new one is empty and active; rename it; switch back to the long one.
  await memory.openChats();
  await expect(memory.chats).toHaveCount(1);
  await expect(memory.activeChat).toContainText('Count the numbers');
  await memory.createChat();
  await expect(agent.messages).toHaveCount(0);
  await memory.renameActiveChat('Second task');
  await memory.switchTo('Count the numbers');
  await expect(agent.messages).toHaveCount(messageCount);
  await expect(memory.compactions).toHaveCount(noticeCount);
  await memory.switchTo('Second task');
  await expect(agent.messages).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('memory-chats.png') });
});
