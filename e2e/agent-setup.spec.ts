import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './fixtures';
import { IdeServer } from './fixtures/ide-server';
import { WorkbenchPage } from './pages/workbench.page';

// A server with no model configured (no key, no base URL): the IDE still opens and works, and the
// agent panel says what to set, once, instead of failing when asked.

test('no model configured: the agent panel shows the setup hint and the rest of the IDE works', async ({ browser }) => {
  test.setTimeout(120_000);
  const server = new IdeServer({
    port: Number(process.env.E2E_SETUP_PORT ?? 3479),
    dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'ide-e2e-setup-')),
    env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' },
  });
  await server.start();
  const context = await browser.newContext({ baseURL: server.baseURL });
  try {
    const page = await context.newPage();
    const created = await page.request.post('/api/trpc/project.create', { data: { json: { template: 'static' } } });
    const projectId = ((await created.json()) as { result: { data: { json: { id: string } } } }).result.data.json.id;
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
    await server.stop();
    fs.rmSync(server.dataDir, { recursive: true, force: true });
  }
});
