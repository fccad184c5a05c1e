import path from 'node:path';
import type { Browser, BrowserContext } from '@playwright/test';
import { expect, isLocalUrl, test } from './fixtures';
import { readFile, trpc } from './fixtures/api';
import { modelUrl } from './playwright.config';
import { AgentPage } from './pages/agent.page';
import { WorkbenchPage } from './pages/workbench.page';
import { JoinWorkshopPage, StartWorkshopPage, WorkshopDashboardPage } from './pages/workshop.page';

// Workshops (issue 16) in Chromium: a teacher starts one, students join in browsers of their own, the
// dashboard follows them live, the teacher pushes a file and ends it. Nothing leaves localhost: every
// student's context is held to the same rule as the fixture's.

const STARTER = {
  'package.json': JSON.stringify({ name: 'sums', private: true, scripts: { test: 'node --test --test-reporter=tap' } }, null, 2),
  'test/sum.test.js': [
    "const test = require('node:test');",
    "const assert = require('node:assert');",
    "test('adds', () => assert.strictEqual(1 + 1, 2));",
    "test('subtracts (to fix)', () => assert.strictEqual(3 - 1, 1));",
    '',
  ].join('\n'),
  'README.md': '# Sums\n',
};

async function studentContext(browser: Browser, external: string[]): Promise<BrowserContext> {
  const context = await browser.newContext();
  await context.route(
    (url) => !isLocalUrl(url.toString()),
    (route) => {
      external.push(route.request().url());
      return route.abort('blockedbyclient');
    },
  );
  return context;
}

async function starterProject(request: Parameters<typeof trpc>[0], title: string): Promise<string> {
  const { id } = await trpc<{ id: string }>(request, 'project.create', { title, template: null });
  for (const [p, content] of Object.entries(STARTER)) await trpc(request, 'files.create', { projectId: id, path: p, content });
  return id;
}

test('a workshop: two students join, the dashboard follows their tests live, the teacher pushes a file and ends it', async ({ page, browser, externalRequests }) => {
  test.setTimeout(240_000);
  const starterId = await starterProject(page.request, 'Sums');
  const teacherWb = new WorkbenchPage(page);
  await teacherWb.goto(starterId);
  const start = new StartWorkshopPage(page);
  const code = await start.start('Sums workshop', { network: 'off' });
  await start.openDashboard();
  const dashboard = new WorkshopDashboardPage(page);
  await expect(page.getByTestId('no-students')).toBeVisible();

  const contexts = [await studentContext(browser, externalRequests), await studentContext(browser, externalRequests)];
  try {
    const [ada, bo] = await Promise.all(contexts.map((c) => c.newPage()));
    const adaFork = await new JoinWorkshopPage(ada!).join(code, 'Ada');
    const boFork = await new JoinWorkshopPage(bo!).join(code.toLowerCase(), 'Bo');
    expect(adaFork).not.toBe(boFork);
    await expect(dashboard.rows).toHaveCount(2);
    const adaWb = new WorkbenchPage(ada!);
    const boWb = new WorkbenchPage(bo!);
    await adaWb.expectFiles(['README.md', 'test/sum.test.js']);
    await boWb.expectFiles(['README.md']);

    // Ada runs the tests in her terminal: the dashboard shows the counts within 2 s of the summary.
    await adaWb.terminal.openShell();
    await adaWb.terminal.run('npm test');
    await adaWb.terminal.expectOutput(/# fail 1/);
    await expect(dashboard.row('Ada').getByTestId('cell-tests')).toHaveText('1 passed, 1 failed (by the student)', { timeout: 2000 });
    await expect(dashboard.row('Bo').getByTestId('cell-tests')).toHaveText('not run');

    // Bo edits and saves; the dashboard counts the changed file.
    await boWb.openFile('README.md');
    await boWb.editor.append('Bo was here\n');
    await boWb.editor.save();
    await boWb.expectSaved();
    await expect(dashboard.row('Bo').getByTestId('cell-files')).toHaveText('1', { timeout: 2000 });

    // An announcement reaches both students.
    await dashboard.announce('Ten minutes left');
    for (const p of [ada!, bo!]) await expect(p.getByTestId('workshop-announcement')).toContainText('Ten minutes left', { timeout: 2000 });

    // The teacher adds a file to the starter and changes the README, and pushes: the new file appears in both
    // forks, Ada's untouched README takes the new version, Bo's edited one is kept and listed.
    await trpc(page.request, 'files.create', { projectId: starterId, path: 'NEXT.md', content: 'Next: multiply.\n' });
    await trpc(page.request, 'files.write', { projectId: starterId, path: 'README.md', content: '# Sums v2\n', expectedVersion: 1 });
    const pushed = await dashboard.pushStarter();
    await expect(pushed).toContainText('Added 2 files, updated 1 untouched file');
    await expect(pushed.getByTestId('push-conflicts')).toContainText('Bo: README.md differs (kept theirs)');
    await boWb.expectFiles(['NEXT.md']);
    await adaWb.expectFiles(['NEXT.md']);
    await page.screenshot({ path: path.join(import.meta.dirname, '..', 'test-results', 'workshop-dashboard.png'), fullPage: true });

    // The end: both workbenches say so and turn read-only; a save is refused with the reason; nothing saved is lost.
    await dashboard.end();
    for (const p of [ada!, bo!]) {
      await expect(p.getByTestId('workshop-ended')).toContainText('Sums workshop” has ended: this project is read-only. Everything you saved is kept.', { timeout: 2000 });
      await expect(p.getByText('read-only', { exact: true })).toBeVisible();
    }
    const refused = await bo!.request.post('/api/trpc/files.write', {
      data: { json: { projectId: boFork, path: 'README.md', content: 'after the end', expectedVersion: 2 } },
      headers: { origin: new URL(bo!.url()).origin },
    });
    expect(refused.status()).toBe(403);
    const body = JSON.stringify(await refused.json());
    expect(body).toContain('forbidden:workshop');
    expect(body).toContain('has ended: this project is read-only');
    expect((await readFile(bo!.request, boFork, 'README.md')).content).toBe('# Sums\nBo was here\n');
    expect((await readFile(ada!.request, adaFork, 'NEXT.md')).content).toBe('Next: multiply.\n');
    expect((await readFile(ada!.request, adaFork, 'README.md')).content).toBe('# Sums v2\n');

    const csv = await dashboard.exportCsv();
    expect(csv.split('\n')[1]).toMatch(/^Ada,.*,1,1,student,0,0$/);
  } finally {
    for (const c of contexts) await c.close();
  }
});

test('a student over the workshop’s model budget gets the message, and the model is not asked', async ({ page, browser, externalRequests }) => {
  test.setTimeout(180_000);
  const starterId = await starterProject(page.request, 'Budget');
  await new WorkbenchPage(page).goto(starterId);
  const code = await new StartWorkshopPage(page).start('Budget class', { network: 'off', dailyTokens: 1000 });
  const context = await studentContext(browser, externalRequests);
  try {
    const student = await context.newPage();
    await new JoinWorkshopPage(student).join(code, 'Cy');
    const agent = new AgentPage(student, modelUrl);
    await agent.useScenario(student.request, { name: 'spend', steps: [{ text: 'Here is a long answer.', usage: { promptTokens: 1200, completionTokens: 30 } }] });
    const before = (await agent.modelRequests(student.request)).length;
    await agent.expectReady();
    await agent.send('Explain the tests');
    await agent.expectAnswer('Here is a long answer.');
    await agent.expectIdle();
    expect(await agent.modelRequests(student.request)).toHaveLength(before + 1);

    await agent.send('And again');
    await expect(agent.banner).toHaveAttribute('data-code', 'budget:model');
    await expect(agent.banner).toContainText('You have used today\'s model budget for the workshop "Budget class" of 1,000 tokens');
    expect(await agent.modelRequests(student.request)).toHaveLength(before + 1);
  } finally {
    await context.close();
  }
});
