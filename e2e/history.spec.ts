import { readFile as readFileFromDisk } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { zipSync } from 'fflate';
import { expect, test } from './fixtures';
import { createProject, readFile, trpc } from './fixtures/api';
import { AgentPage } from './pages/agent.page';
import { HistoryPage } from './pages/history.page';
import { WorkbenchPage } from './pages/workbench.page';
import { modelUrl } from './playwright.config';

// Server-side history and zip in/out in Chromium on the host sandbox; the model is the scripted one.

interface TreeFile {
  path: string;
  hash: string;
}

async function openProject(page: Page, projectId: string) {
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  await expect(wb.sandboxStatus).toHaveAttribute('data-kind', 'host', { timeout: 60_000 });
  const agent = new AgentPage(page, modelUrl);
  await agent.expectReady();
  return { wb, agent, history: new HistoryPage(page) };
}

const tree = (page: Page, projectId: string) => trpc<TreeFile[]>(page.request, 'files.tree', { projectId }, 'query');

test('an agent turn whose command writes files is undone: editor, database and sandbox are back; the history shows the diff', async ({ page }) => {
  test.setTimeout(300_000);
  const projectId = await createProject(page.request, 'static');
  await trpc(page.request, 'files.create', { projectId, path: 'notes.txt', content: 'original notes\n' });
  await trpc(page.request, 'sandbox.updateSettings', { projectId, approval: 'auto' });
  const { wb, agent, history } = await openProject(page, projectId);

  await agent.useScenario(page.request, {
    name: 'command-writes-files',
    steps: [
      { toolCalls: [{ name: 'run_command', arguments: { command: 'echo made by a command > made.txt && echo changed by a command > notes.txt' } }] },
      { text: 'Done: made.txt written.', repeat: true },
    ],
  });
  await agent.send('write made.txt with a command');
  await agent.expectAnswer('Done: made.txt written.');
  await agent.expectIdle();
  // The after-turn checkpoint waited for the sandbox's changes: the database has both files now.
  expect((await readFile(page.request, projectId, 'made.txt')).content).toBe('made by a command\n');
  await wb.expectFiles(['made.txt']);

  await history.open();
  await expect(history.row('turn_end')).toBeVisible();
  await expect(history.row('turn_start')).toBeVisible();
  const checkpoints = await trpc<{ id: string; kind: string }[]>(page.request, 'history.list', { projectId }, 'query');
  const [end, start] = [checkpoints.find((c) => c.kind === 'turn_end')!, checkpoints.find((c) => c.kind === 'turn_start')!];
  expect(await trpc(page.request, 'history.diff', { projectId, from: start.id, to: end.id }, 'query')).toEqual([
    { path: 'made.txt', status: 'added' },
    { path: 'notes.txt', status: 'modified' },
  ]);
  // Two picked: the turn's own changes; open one in Monaco's diff editor (the lead's screenshot).
  await history.pick(history.row('turn_start'));
  await history.pick(history.row('turn_end'));
  await expect(history.diffPaths).toHaveCount(2);
  await page.screenshot({ path: test.info().outputPath('history-panel.png') });
  await history.openDiff('notes.txt');
  await expect(history.diffEditor).toContainText('original notes');
  await expect(history.diffEditor).toContainText('changed by a command');
  await page.screenshot({ path: test.info().outputPath('history-panel-diff.png') });
  await test.info().attach('history-panel-diff', { path: test.info().outputPath('history-panel-diff.png'), contentType: 'image/png' });
  await history.closeDiff();

  await history.undoLastTurn();
  // Database: the tree as before the turn; the conversation too.
  await expect.poll(async () => (await tree(page, projectId)).map((f) => f.path)).not.toContain('made.txt');
  expect((await readFile(page.request, projectId, 'notes.txt')).content).toBe('original notes\n');
  await expect(agent.messages).toHaveCount(0);
  // Editor: the file is gone from the tree, the other one shows its old text.
  await wb.showExplorer();
  await wb.expectFiles(['notes.txt']);
  await wb.expectNoFile('made.txt');
  await wb.openFile('notes.txt');
  await expect(wb.editor.text).toContainText('original notes');
  // Sandbox: the working copy followed through the normal sync path.
  await wb.terminal.openShell();
  await wb.terminal.run('cat notes.txt; test -e made.txt && echo MADE-STILL-THERE || echo MADE-GONE');
  await wb.terminal.expectOutput('MADE-GONE');
  await wb.terminal.expectOutput('original notes');
  // Nothing destroyed: the state before the undo is a checkpoint of its own.
  await history.open();
  await expect(history.row('restore')).toBeVisible();
});

test('export → import is byte-equal (a binary file too); a zip-slip archive and a zip bomb are refused and write nothing', async ({ page, home }) => {
  test.setTimeout(240_000);
  const projectId = await createProject(page.request, 'static');
  const binary = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 131 + (i >> 7)) % 256));
  await trpc(page.request, 'files.create', { projectId, path: 'assets/blob.bin', content: binary.toString('base64'), encoding: 'base64' });
  const { history } = await openProject(page, projectId);
  await history.open();
  const download = await history.exportZip();
  const zip = await readFileFromDisk(await download.path());

  await home.goto();
  await home.importZip('round-trip.zip', zip);
  await page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
  const importedId = page.url().split('/p/')[1]!;
  expect(importedId).not.toBe(projectId);
  const [original, imported] = [await tree(page, projectId), await tree(page, importedId)];
  expect(imported.map((f) => [f.path, f.hash])).toEqual(original.map((f) => [f.path, f.hash]));
  const read = await trpc<{ content: string; encoding: string }>(page.request, 'files.read', { projectId: importedId, path: 'assets/blob.bin' }, 'query');
  expect(Buffer.from(read.content, 'base64').equals(binary)).toBe(true);

  const projects = async () => (await trpc<{ id: string }[]>(page.request, 'project.list', {}, 'query')).length;
  const before = await projects();
  await home.goto();
  await home.importZip('slip.zip', Buffer.from(zipSync({ 'index.html': new TextEncoder().encode('<p>ok</p>'), '../../etc/evil': new TextEncoder().encode('x') })));
  await expect(home.importError).toContainText('points outside the project');
  const bomb = zipSync(Object.fromEntries(Array.from({ length: 20 }, (_, i) => [`zeros-${i}.bin`, new Uint8Array(2 * 1024 * 1024 - 1)])), { level: 9 });
  await home.importZip('bomb.zip', Buffer.from(bomb));
  await expect(home.importError).toContainText('zip bomb');
  expect(await projects()).toBe(before);
});
