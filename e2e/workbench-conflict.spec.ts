import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';
import type { HomePage } from './pages/home.page';
import { WorkbenchPage } from './pages/workbench.page';

// Two tabs on one file. Tab B loses its connection while editing; tab A saves meanwhile. When B's
// save gets through it is refused as stale, and B chooses; whatever it chooses, nothing is lost.

async function twoTabs(home: HomePage, page: Page) {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const a = new WorkbenchPage(page);
  await a.goto(projectId);
  await a.openFile('src/math.ts');
  const b = new WorkbenchPage(await page.context().newPage());
  await b.goto(projectId);
  await b.editor.expectOpen('src/math.ts');
  return { a, b };
}

/** Back online: "Retry now", unless the store's own retry got there first; either way, B sees the conflict. */
async function reconnect(b: WorkbenchPage) {
  await b.page.unrouteAll();
  await b.page
    .getByRole('button', { name: 'Retry now' })
    .click({ timeout: 5_000 })
    .catch(() => undefined);
  await expect(b.editor.conflictBar).toContainText('was changed elsewhere');
}

async function editOffline(b: WorkbenchPage, text: string) {
  await b.page.route('**/api/trpc/**files.write**', (route) => route.abort('connectionrefused'));
  await b.editor.append(text);
  await expect(b.saveStatus).toHaveAttribute('data-state', 'offline');
}

test('keep mine: my version wins, and the other tab follows', async ({ home, page }) => {
  const { a, b } = await twoTabs(home, page);
  await editOffline(b, '// from tab B\n');
  await a.editor.append('// from tab A\n');
  await a.expectSaved();

  await reconnect(b);
  await expect(b.saveStatus).toHaveAttribute('data-state', 'conflict');
  await b.editor.conflictBar.getByRole('button', { name: 'Keep mine' }).click();
  await b.expectSaved();
  await expect(b.editor.conflictBar).toHaveCount(0);

  await expect(a.editor.text).toContainText('// from tab B', { timeout: 15_000 });
  await expect(a.editor.text).not.toContainText('// from tab A');
});

test('take theirs: their version shows, and undo brings mine back', async ({ home, page }) => {
  const { a, b } = await twoTabs(home, page);
  await editOffline(b, '// from tab B\n');
  await a.editor.append('// from tab A\n');
  await a.expectSaved();

  await reconnect(b);
  await b.editor.conflictBar.getByRole('button', { name: 'Compare' }).click();
  const diff = b.page.getByRole('dialog', { name: /theirs \(left\) and mine \(right\)/ });
  await expect(diff).toContainText('// from tab A');
  await expect(diff).toContainText('// from tab B');
  await diff.getByRole('button', { name: 'Take theirs' }).click();
  await expect(b.editor.text).toContainText('// from tab A');
  await expect(b.editor.text).not.toContainText('// from tab B');
  await b.expectSaved();

  await b.editor.focus();
  await b.page.keyboard.press('ControlOrMeta+Z');
  await expect(b.editor.text).toContainText('// from tab B');
  await b.expectSaved();
  await expect(a.editor.text).toContainText('// from tab B', { timeout: 15_000 });
});
