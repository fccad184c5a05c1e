import { expect, test } from './fixtures';
import { WorkbenchPage } from './pages/workbench.page';

// The whole loop on the host sandbox, as a person meets it: the Vite template boots (install, dev
// server), the terminal runs real commands, the preview shows the app on its own origin and hot
// reloads an edit, and everything is still there after a reload.

test('Vite template: fallback notice, terminal install and tests, dev server, preview with hot reload', async ({ home, page }) => {
  test.setTimeout(420_000);
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);

  // This server forces the host sandbox (as e2e runs do) and the page says so and why.
  await expect(wb.sandboxNotice).toContainText('host sandbox');
  await expect(wb.sandboxNotice).toContainText('SANDBOX_FORCE_HOST');
  await expect(wb.sandboxStatus).toHaveAttribute('data-kind', 'host', { timeout: 60_000 });

  await wb.expectStage('install', 'done');
  await wb.expectStage('dev-server', 'done');

  // The preview is on its own origin, never the IDE's.
  const src = await wb.preview.frameElement.getAttribute('src');
  expect(src).toMatch(new RegExp(`^http://\\d+-${projectId}\\.preview\\.localhost:\\d+/`));
  expect(new URL(src ?? '').origin).not.toBe(new URL(page.url()).origin);
  await wb.preview.expectToShow('Hello from Vite + React');

  // A terminal runs real commands in the same workspace.
  await wb.terminal.openShell();
  await wb.terminal.run('npm install --no-audit --no-fund');
  await wb.terminal.expectOutput(/up to date|added \d+ packages/, 120_000);
  await wb.terminal.run('clear && npm test');
  await wb.terminal.expectOutput(/Tests\s+1 passed/, 120_000);

  // An edit reaches the preview by hot reload: the frame's document is not replaced.
  const frame = page.frames().find((f) => f.url().includes('.preview.localhost'));
  expect(frame, 'the preview frame').toBeTruthy();
  await frame?.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
  await wb.openFile('src/App.tsx');
  await wb.editor.replace('Hello from Vite + React', 'Hello from the host sandbox');
  await wb.expectSaved();
  await wb.preview.expectToShow('Hello from the host sandbox', 30_000);
  expect(await frame?.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);

  // A file made in the terminal reaches the database and the tree.
  await wb.terminal.run('echo "made in the sandbox" > notes.txt');
  await expect(wb.fileItem('notes.txt')).toBeVisible({ timeout: 20_000 });

  await page.reload();
  await wb.openFile('src/App.tsx');
  await expect(wb.editor.text).toContainText('Hello from the host sandbox');
  await wb.expectStage('dev-server', 'done');
  await wb.preview.expectToShow('Hello from the host sandbox');
});
