import { expect, test } from './fixtures';
import { readFile, trpc } from './fixtures/api';
import { WorkbenchPage } from './pages/workbench.page';

// The workbench's files side: editing with autosave, the tree's operations, quick open and search.
// These need no sandbox; the Vite flow with terminal and preview is in workbench-vite.spec.ts.

test('an edit autosaves; a reload brings back the change, the open tabs and the layout', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);

  await wb.openFile('src/math.ts');
  await wb.openFile('src/App.tsx');
  await wb.editor.replace('Hello from Vite + React', 'Hello from the workbench');
  await wb.editor.expectDirty('src/App.tsx', true);
  await wb.expectSaved();
  await wb.editor.expectDirty('src/App.tsx', false);

  await page.getByRole('button', { name: 'Toggle preview' }).click();
  await expect(wb.preview.address).toHaveCount(0);

  await page.reload();
  await wb.editor.expectOpen('src/App.tsx');
  await expect(wb.editor.tabs).toHaveCount(2);
  await expect(wb.editor.text).toContainText('Hello from the workbench');
  await expect(page.getByRole('button', { name: 'Toggle preview' })).toHaveAttribute('aria-pressed', 'false');
  await expect(wb.preview.address).toHaveCount(0);
});

test('create, rename and delete files from the tree; tabs follow', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);

  await wb.createFile('src/util.ts');
  await wb.editor.setText('export const answer = 42;\n');
  await wb.expectSaved();

  await wb.rename('src/util.ts', 'helpers.ts');
  await wb.expectFiles(['src/helpers.ts']);
  await wb.expectNoFile('src/util.ts');
  await wb.editor.expectOpen('src/helpers.ts');
  await expect(wb.editor.text).toContainText('export const answer = 42;');

  await wb.delete('src/helpers.ts');
  await wb.expectNoFile('src/helpers.ts');
  await expect(wb.editor.tab('src/helpers.ts')).toHaveCount(0);

  await page.reload();
  await wb.expectFiles(['src/App.tsx']);
  await wb.expectNoFile('src/helpers.ts');
  await wb.expectNoFile('src/util.ts');
});

test('move a file by dragging it onto a folder', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  await wb.revealInTree('src/App.tsx');
  await wb.fileItem('index.html').dragTo(wb.fileItem('src'));
  await wb.expectFiles(['src/index.html']);
  await wb.expectNoFile('index.html');
});

test('files dropped from the desktop are uploaded, at the root or into a folder', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);

  await wb.dropFiles([
    { name: 'notes.md', content: '# Dropped notes\n' },
    { name: 'data.json', content: '{"dropped": true}\n' },
  ]);
  await wb.expectFiles(['notes.md', 'data.json']);
  await wb.revealInTree('src/App.tsx');
  await wb.dropFiles([{ name: 'extra.ts', content: 'export const dropped = 1;\n' }], 'src');
  await wb.expectFiles(['src/extra.ts']);

  await wb.openFile('notes.md');
  await expect(wb.editor.text).toContainText('# Dropped notes');
  await page.reload();
  await wb.expectFiles(['notes.md', 'data.json', 'src/extra.ts']);
});

test('quick open finds a file by a few letters; search lists matches and opens one at its line', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  await expect(wb.editor.editor).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });

  await wb.quickOpen('mtest');
  await wb.editor.expectOpen('src/math.test.ts');
  await wb.quickOpen('App:5');
  await wb.editor.expectOpen('src/App.tsx');
  await expect(wb.editor.cursor()).toHaveText('Ln 5, Col 1');

  const results = await wb.searchInFiles('add(');
  await expect(page.getByTestId('search-results')).toContainText('3 results in 3 files');
  await expect(results).toHaveCount(3);
  await results.filter({ hasText: 'expect(add(2, 3))' }).click();
  await wb.editor.expectOpen('src/math.test.ts');
  await expect(wb.editor.cursor()).toHaveText(/^Ln 6, Col /);
});

test('go to line and format document', async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  // A first visit opens the template's main file (src/App.tsx), so a new file goes beside it, as in VS Code.
  await wb.createFile('src/config.json');
  await wb.editor.setText('{"a":1,"b":[1,2]}');
  await page.getByRole('button', { name: 'Format' }).click();
  await expect(wb.editor.text).toContainText('"a": 1,');
  await wb.expectSaved();
  await wb.editor.goToLine(3);
  await expect(wb.editor.cursor()).toHaveText('Ln 3, Col 1');
});

test('the TypeScript service waits off the first key, then reports type errors', async ({ home, page }) => {
  const tsWorker: string[] = [];
  page.on('request', (r) => void (/\/monaco\/ts\.worker\.js$/.test(new URL(r.url()).pathname) && tsWorker.push(r.url())));
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  await wb.editor.expectOpen('src/App.tsx');
  // The other panels load once the editor is in use; by then a page that only shows code has not asked for the worker.
  await expect(page.getByTestId('terminal-panel')).toBeVisible();
  expect(tsWorker).toEqual([]);

  await wb.editor.append("\nexport const three: number = 'three';\n");
  await expect(wb.editor.errors.first()).toBeVisible({ timeout: 60_000 });
  // Asked again until the service has checked the new line (the file's other problems may come first).
  await expect(async () => {
    await expect(await wb.editor.lastProblem()).toContainText("Type 'string' is not assignable to type 'number'", { timeout: 1_000 });
  }).toPass({ timeout: 60_000 });
  expect(tsWorker.length).toBeGreaterThan(0);
});

test("the server's snapshot is not fetched again on load; a save made elsewhere still shows", async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  // Every tRPC call the page makes, as "procedure" or "procedure path" (a batch is several calls in one request).
  const calls: string[] = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/api/trpc/')) return;
    const names = url.pathname.slice('/api/trpc/'.length).split(',');
    type Input = { json?: { path?: string } };
    const input = JSON.parse(url.searchParams.get('input') ?? '{}') as Input & Record<string, Input | undefined>;
    names.forEach((name, i) => calls.push([name, (url.searchParams.has('batch') ? input[i] : input)?.json?.path].filter(Boolean).join(' ')));
  });
  const wb = new WorkbenchPage(page);
  await wb.goto(projectId);
  await wb.editor.expectOpen('src/App.tsx');
  await expect(wb.editor.text).toContainText('Vite + React');
  // The tree is read again once the editor is in use (then every few seconds); the main file, which came with
  // the page and has not changed, is not.
  await expect.poll(() => calls.filter((c) => c === 'files.tree').length).toBeGreaterThan(0);
  expect(calls.filter((c) => c === 'files.read src/App.tsx')).toEqual([]);

  const before = await readFile(page.request, projectId, 'src/App.tsx');
  await trpc(page.request, 'files.write', { projectId, path: 'src/App.tsx', content: before.content.replace('Vite + React', 'Changed elsewhere'), expectedVersion: before.version });
  await expect(wb.editor.text).toContainText('Changed elsewhere', { timeout: 15_000 });
  expect(calls).toContain('files.read src/App.tsx');
});

test("the host sandbox's notice is laid out with the page: nothing moves when the sandbox starts", async ({ home, page }) => {
  await home.goto();
  const projectId = await home.createProject('vite-react-ts');
  const configRequests: string[] = [];
  page.on('request', (r) => void (r.url().includes('sandbox.config') && configRequests.push(r.url())));
  const wb = new WorkbenchPage(page);
  await wb.watchFirstTreeFrame();
  await wb.goto(projectId);
  await expect(wb.sandboxStatus).toHaveAttribute('data-kind', 'host', { timeout: 60_000 });
  await expect(wb.sandboxNotice).toContainText('SANDBOX_FORCE_HOST');
  // This server forces the host sandbox, which the page knows from its first paint (the config came with it).
  const first = await wb.firstTreeFrame();
  expect(first).toMatchObject({ notice: true });
  expect(await wb.firstTreeRowTop()).toBe(first?.top);
  expect(configRequests).toEqual([]);
});
