import { expect, test } from './fixtures';
import { withTemporaryWorkbench } from './fixtures/temporary-workbench';

// A server with no model configured (no key, no base URL): the IDE still opens and works, and the
// agent panel says what to set, once, instead of failing when asked.

test('no model configured: the agent panel shows the setup hint and the rest of the IDE works', async ({ browser }) => {
  test.setTimeout(120_000);
  const server = { name: 'setup', port: Number(process.env.E2E_SETUP_PORT ?? 3479), env: { OPENAI_API_KEY: '', OPENAI_BASE_URL: '' } };
  await withTemporaryWorkbench(browser, server, async (wb, page) => {
    const banner = page.getByTestId('agent-banner');
    await expect(banner).toHaveAttribute('data-code', 'unavailable:model');
    await expect(banner).toContainText('No model is configured');
    await expect(banner).toContainText('OPENAI_API_KEY');
    await expect(banner).toContainText('OPENAI_BASE_URL');
    // Said once: the heading, then the hint without repeating it.
    expect((await banner.innerText()).match(/No model is configured/g)).toHaveLength(1);
    await wb.openFile('index.html');
    await expect(wb.editor.text).toContainText('<!doctype html>', { ignoreCase: true });
  });
});
