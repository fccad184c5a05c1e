import { describe, expect, it } from 'vitest';
import { ChangeSet, type AgentEnvironment } from '@/lib/agent/environment';
import { createDirSandbox } from '@/lib/agent/testing/dir-sandbox';
import { executeTool, ProcessRegistry, type ToolContext } from '@/lib/agent/tools';
import { VIEWPORTS } from '@/lib/design/protocol';

// screenshot_preview and preview_act: the tools' side (viewport, the image or the steps in the outcome, refusals). The
// page side, through the preview's capture script in Chromium, is tested by server/design/fidelity.test.ts and lib/design/act-script.test.ts.

async function context(preview: { port: number | null }, capture?: AgentEnvironment['capturePreview']) {
  const sandbox = await createDirSandbox();
  const env: AgentEnvironment = {
    sandbox: async () => sandbox,
    files: { write: async () => {}, remove: async () => {}, move: async () => {} },
    network: () => 'off',
    approval: () => 'auto',
    preview: () => ({ servers: preview.port ? { [preview.port]: 'http://5173.preview.test' } : {}, port: preview.port, problems: [] }),
    ...(capture ? { capturePreview: capture } : {}),
  };
  const ctx: ToolContext = { env, sandbox, signal: new AbortController().signal, changes: new ChangeSet(), processes: new ProcessRegistry(), setPlan: () => {} };
  return { ctx, dispose: () => sandbox.dispose() };
}
const call = (args: unknown) => ({ id: 's1', name: 'screenshot_preview', arguments: JSON.stringify(args) });

describe('screenshot_preview', () => {
  it('captures at the asked viewport (desktop by default) and returns the picture as an image', async () => {
    const asked: unknown[] = [];
    const { ctx, dispose } = await context({ port: 5173 }, async (viewport) => {
      asked.push(viewport);
      return { png: `data:image/png;base64,${viewport.width}`, ...viewport };
    });
    expect(await executeTool(call({}), ctx)).toEqual({
      ok: true,
      output: 'Screenshot of the preview (port 5173) at desktop 1280×800, attached as an image.',
      images: ['data:image/png;base64,1280'],
    });
    expect(await executeTool(call({ viewport: 'mobile' }), ctx)).toMatchObject({ ok: true, images: ['data:image/png;base64,390'] });
    expect(asked).toEqual([VIEWPORTS.desktop, VIEWPORTS.mobile]);
    await dispose();
  });

  it('refuses an unknown viewport, an empty preview, and a failed capture, as results the model reads', async () => {
    const { ctx, dispose } = await context({ port: 5173 }, async () => {
      throw new Error('The preview did not answer the capture request. Is the page loaded?');
    });
    expect(await executeTool(call({ viewport: 'tv' }), ctx)).toMatchObject({ ok: false, output: expect.stringContaining('Invalid arguments') });
    expect(await executeTool(call({}), ctx)).toMatchObject({ ok: false, output: expect.stringContaining('did not answer') });
    const empty = await context({ port: null }, async () => ({ png: 'x', width: 1, height: 1 }));
    expect(await executeTool(call({}), empty.ctx)).toMatchObject({ ok: false, output: expect.stringContaining('start the dev server') });
    await Promise.all([dispose(), empty.dispose()]);
  });

  it('preview_act: reports each step, stops counting at the failure, and gives the card its detail', async () => {
    const { ctx, dispose } = await context({ port: 5173 });
    ctx.env.actInPreview = async (viewport, steps) => {
      expect(viewport).toEqual(VIEWPORTS.mobile);
      expect(steps).toHaveLength(3);
      return { results: [{ ok: true, detail: 'clicked' }, { ok: false, detail: 'expected 2 × role="listitem", found 1' }], consoleErrors: ['boom'], failedRequests: [] };
    };
    const steps = [
      { do: 'click', target: { role: 'button', name: 'Add' } },
      { do: 'expect_count', target: { role: 'listitem' }, count: 2 },
      { do: 'read_text' },
    ];
    const outcome = await executeTool({ id: 'a1', name: 'preview_act', arguments: JSON.stringify({ steps, viewport: 'mobile' }) }, ctx);
    expect(outcome.ok).toBe(false);
    expect(outcome.output.split('\n')).toEqual([
      'Failed at step 2 of 3.',
      '1. ok click {"target":{"role":"button","name":"Add"}}: clicked',
      '2. FAILED expect_count {"target":{"role":"listitem"},"count":2}: expected 2 × role="listitem", found 1',
      '3. FAILED read_text {}: not run: an earlier step failed',
      'Console errors: ',
      '- boom',
      'Failed requests: none',
    ]);
    expect(outcome.detail).toMatchObject({ kind: 'check', steps: [{ ok: true }, { ok: false }, { ok: false }], consoleErrors: ['boom'] });
    const bad = await executeTool({ id: 'a2', name: 'preview_act', arguments: JSON.stringify({ steps: [{ do: 'eval', code: 'alert(1)' }] }) }, ctx);
    expect(bad).toMatchObject({ ok: false, output: expect.stringContaining('Invalid arguments') });
    await dispose();
  });
});
