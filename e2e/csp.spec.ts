import { expect, test } from './fixtures';
import { CspWatcher } from './pages/csp.page';
import { WorkbenchPage } from './pages/workbench.page';

// The nonce-based policy (proxy.ts) in Chromium: the home page and a project page, with Monaco, its
// workers and the sandbox socket, run without the policy blocking anything.

test('the home page and a project page with the editor load with no CSP violation', async ({ home, page }) => {
  // It boots a host sandbox and Monaco with its TypeScript worker.
  test.setTimeout(180_000);
  const csp = await CspWatcher.attach(page);
  const policy = await csp.policyOf('/');
  expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'(;|$)/);

  await home.goto();
  await csp.expectNoViolations();
  const projectId = await home.createProject('vite-react-ts');
  const wb = new WorkbenchPage(page);
  // createProject has navigated to the project page; a loaded machine may take a while to render it.
  await expect(wb.fileTree).toBeVisible({ timeout: 60_000 });
  expect(page.url()).toContain(projectId);
  await csp.expectNoViolations();
  await wb.openFile('src/App.tsx');
  await wb.editor.expectOpen('src/App.tsx');
  await expect(wb.editor.text).toContainText('Hello from Vite + React');
  await wb.expectStage('sandbox', 'done');
  await csp.expectNoViolations();
});
