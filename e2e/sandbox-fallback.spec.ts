import { expect, test } from './fixtures';
import { withTemporaryWorkbench } from './fixtures/temporary-workbench';

// The one spec that lets the page try WebContainers: a server that does not force the host
// sandbox. Offline, the runtime never loads from stackblitz.com, so the page falls back within the
// time limit, says why, and the host sandbox runs commands.

test.use({ allowedExternalHosts: ['stackblitz.com', 'webcontainer.io', 'webcontainer-api.io', 'staticblitz.com'] });

test('WebContainers cannot boot here: the page falls back to the host sandbox and says why', async ({ browser }) => {
  test.setTimeout(180_000);
  const env = { SANDBOX_FORCE_HOST: '0', SANDBOX_WEBCONTAINER_TIMEOUT_MS: '5000' };
  await withTemporaryWorkbench(browser, { name: 'fallback', port: Number(process.env.E2E_FALLBACK_PORT ?? 3478), env }, async (wb, page) => {
    expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
    await expect(wb.sandboxNotice).toContainText('did not start within 5 s', { timeout: 30_000 });
    await expect(wb.sandboxNotice).toContainText('stackblitz.com');
    await expect(wb.sandboxStatus).toHaveAttribute('data-kind', 'host');
    await wb.terminal.openShell();
    await wb.terminal.run('echo sum=$((40 + 2))');
    await wb.terminal.expectOutput('sum=42');
  });
});
