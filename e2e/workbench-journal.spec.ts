import type { Browser } from '@playwright/test';
import { expect, test } from './fixtures';
import { createProject, readFile } from './fixtures/api';
import { IdeServer } from './fixtures/ide-server';
import { WorkbenchPage } from './pages/workbench.page';

// The server really stops mid-edit and comes back. This spec runs its own IDE server (the same
// build the suite uses) on its own port and data folder, so it can stop and restart it.

const port = Number(process.env.E2E_JOURNAL_PORT ?? 3477);
const baseURL = `http://localhost:${port}`;

async function openWorkbench(browser: Browser) {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  return { context, page, wb: new WorkbenchPage(page) };
}

test('the server stops mid-edit: edits wait in the journal and are saved when it is back, even after the tab closed', async ({ browser }) => {
  test.setTimeout(240_000);
  const server = await IdeServer.temporary('journal', port);
  const { context, page, wb } = await openWorkbench(browser);
  try {
    const projectId = await createProject(page.request, 'vite-react-ts');
    await wb.goto(projectId);
    await wb.openFile('src/App.tsx');
    await wb.editor.append('// saved while the server was up\n');
    await wb.expectSaved();

    await server.stop();
    await wb.editor.append('// typed while the server was down\n');
    await expect(wb.saveStatus).toHaveAttribute('data-state', 'offline');
    await expect(wb.saveStatus).toContainText('changes kept in this browser');
    await wb.editor.expectDirty('src/App.tsx', true);

    await server.start();
    // "Retry now" saves at once; the automatic retry may get there first and take the button away.
    // What counts is the outcome: the edit typed while the server was down is saved.
    const retryNow = page.getByRole('button', { name: 'Retry now' });
    await expect(async () => {
      if (await retryNow.isVisible()) await retryNow.click({ timeout: 2_000 });
      await expect(wb.saveStatus).toHaveAttribute('data-state', 'saved', { timeout: 2_000 });
    }).toPass({ timeout: 45_000 });
    expect((await readFile(page.request, projectId, 'src/App.tsx')).content).toContain('// typed while the server was down');

    // Down again, and this time the tab is closed before the server returns.
    await server.stop();
    await wb.editor.append('// typed, then the tab was closed\n');
    await expect(wb.saveStatus).toHaveAttribute('data-state', 'offline');
    const asked = new Promise<string>((resolve) => page.once('dialog', (d) => (resolve(d.type()), void d.accept())));
    await page.close({ runBeforeUnload: true });
    expect(await asked).toBe('beforeunload');
    await expect.poll(() => page.isClosed()).toBe(true);

    await server.start();
    const again = new WorkbenchPage(await context.newPage());
    await again.goto(projectId);
    await again.expectSaved();
    await again.editor.expectOpen('src/App.tsx');
    await expect(again.editor.text).toContainText('// typed, then the tab was closed');
    const saved = (await readFile(again.page.request, projectId, 'src/App.tsx')).content;
    expect(saved).toContain('// saved while the server was up');
    expect(saved).toContain('// typed while the server was down');
    expect(saved).toContain('// typed, then the tab was closed');
  } finally {
    await context.close();
    await server.dispose();
  }
});
