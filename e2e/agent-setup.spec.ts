import { expect, test } from './fixtures';
import { createProject } from './fixtures/api';
import { IdeServer } from './fixtures/ide-server';
import { WorkbenchPage } from './pages/workbench.page';

// A server with no model configured (no key, no base URL): the IDE still opens and works, and the
// agent panel says what to set, once, instead of failing when asked.

test('no model configured: the agent panel shows the setup hint and the rest of the IDE works', async ({ browser }) => {
  test.setTimeout(120_000);
  const server = await IdeServer.temporary('setup', Number(process.env.E2E_SETUP_PORT ?? 3479), { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' });
  const context = await browser.newContext({ baseURL: server.baseURL });
  try {
    const page = await context.newPage();
    const projectId = await createProject(page.request, 'static');
    const wb = new WorkbenchPage(page);
    await wb.goto(projectId);
    const banner = page.getByTestId('agent-banner');
    await expect(banner).toHaveAttribute('data-code', 'no_key');
    await expect(banner).toContainText('No model is configured');
    await expect(banner).toContainText('OPENAI_API_KEY');
    await expect(banner).toContainText('OPENAI_BASE_URL');
    // Said once: the heading, then the hint without repeating it.
    expect((await banner.innerText()).match(/No model is configured/g)).toHaveLength(1);
    await wb.openFile('index.html');
    await expect(wb.editor.text).toContainText('<!doctype html>', { ignoreCase: true });
  } finally {
    await context.close();
    await server.dispose();
  }
});
