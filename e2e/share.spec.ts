import { readFile } from './fixtures/api';
import { expect, test } from './fixtures';
import { SharePage } from './pages/share.page';
import { WorkbenchPage } from './pages/workbench.page';

// Sharing between two identities (two browser contexts): a read-only link that opens the project
// running in the visitor's own sandbox, refused writes through the UI and the API, a fork that is the
// visitor's to edit, and an invited editor whose edit the owner sees.

test('share link → read-only and running for another identity, fork, invited editor', async ({ home, page, guest }, testInfo) => {
  test.setTimeout(600_000);
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const owner = new WorkbenchPage(page);
  await owner.goto(projectId);
  const ownerShare = new SharePage(page);
  await ownerShare.openDialog();
  const sharePath = await ownerShare.enableLink();
  expect(sharePath).toMatch(/^\/s\/[A-Za-z0-9_-]{32}$/);
  await ownerShare.closeDialog();
  const origin = new URL(page.url()).origin;

  // The visitor: read-only, no agent, and the app running in a sandbox of their own.
  const visitor = new WorkbenchPage(guest);
  await visitor.watchFirstTreeFrame();
  await guest.goto(`${origin}${sharePath}`);
  const visitorShare = new SharePage(guest);
  await expect(visitor.fileTree).toBeVisible({ timeout: 60_000 });
  // The host sandbox's notice is laid out with the share view's first paint, not pushed in later.
  expect(await visitor.firstTreeFrame()).toMatchObject({ notice: true });
  await expect(visitorShare.readOnlyBadge).toBeVisible();
  await expect(guest.getByRole('button', { name: 'Toggle agent panel' })).toHaveCount(0);
  await visitor.expectStage('dev-server', 'done', 300_000);
  await visitor.preview.expectToShow('Hello from Vite + React', 120_000);
  const src = (await visitor.preview.frameElement.getAttribute('src')) ?? '';
  expect(src).toMatch(/^http:\/\/\d+-[0-9a-f-]{36}\.preview\.localhost:\d+\//);
  expect(src, "the visitor's preview is not the owner's sandbox").not.toContain(projectId);
  await guest.screenshot({ path: testInfo.outputPath('share-view.png') });
  await testInfo.attach('share view', { path: testInfo.outputPath('share-view.png'), contentType: 'image/png' });

  // No write through the editor …
  await visitor.openFile('src/App.tsx');
  await visitor.editor.focus();
  await guest.keyboard.insertText('WRITTEN BY THE VISITOR');
  await expect(visitor.editor.text).not.toContainText('WRITTEN BY THE VISITOR');
  // … nor through the API with the visitor's own cookie.
  const current = await readFile(page.request, projectId, 'src/App.tsx');
  const attempt = await guest.request.post(`${origin}/api/trpc/files.write`, {
    headers: { origin },
    data: { json: { projectId, path: 'src/App.tsx', content: 'pwned', encoding: 'utf8', expectedVersion: current.version } },
  });
  expect(attempt.status()).toBe(403);
  expect(((await attempt.json()) as { error: { json: { data: { appCode: string } } } }).error.json.data.appCode).toBe('forbidden:project');
  expect((await readFile(page.request, projectId, 'src/App.tsx')).content).toBe(current.content);

  // Fork: the visitor's own editable copy; the original stays as it was.
  const forkId = await visitorShare.fork();
  expect(forkId).not.toBe(projectId);
  await expect(visitorShare.forkedFrom).toBeVisible();
  await expect(visitorShare.readOnlyBadge).toHaveCount(0);
  await visitor.openFile('src/App.tsx');
  await visitor.editor.replace('Hello from Vite + React', 'Hello from the fork');
  await visitor.expectSaved();
  expect((await readFile(guest.request, forkId, 'src/App.tsx')).content).toContain('Hello from the fork');
  expect((await readFile(page.request, projectId, 'src/App.tsx')).content).toBe(current.content);
  await guest.screenshot({ path: testInfo.outputPath('fork.png') });
  await testInfo.attach('fork', { path: testInfo.outputPath('fork.png'), contentType: 'image/png' });

  // An invited editor edits; the owner sees it.
  await ownerShare.openDialog();
  const invitePath = await ownerShare.createInvite('editor');
  await ownerShare.closeDialog();
  await visitorShare.acceptInvite(`${origin}${invitePath}`);
  expect(guest.url()).toContain(projectId);
  await visitor.openFile('src/App.tsx');
  await expect(visitorShare.readOnlyBadge).toHaveCount(0);
  await visitor.editor.replace('Hello from Vite + React', 'Hello from the invited editor');
  await visitor.expectSaved();
  await page.reload();
  await owner.openFile('src/App.tsx');
  await expect(owner.editor.text).toContainText('Hello from the invited editor');

  await guest.goto(`${origin}/`);
  await expect(guest.locator(`[data-testid="shared-list-item"][data-project-id="${projectId}"]`)).toBeVisible();
});
