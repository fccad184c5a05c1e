import type { ToolArgs } from '@/lib/agent/protocol';
import { ToolError, type ToolContext, type ToolOutcome } from '@/lib/agent/tools/context';
import { VIEWPORTS, type ActStep } from '@/lib/design/protocol';

// The tools that look at and act in the preview, through the script every preview carries
// (lib/design/capture-script.ts). What comes back was made by the previewed app: data for the model.

function shownPort(ctx: ToolContext): number {
  const { port } = ctx.env.preview();
  if (port === null) throw new ToolError('Nothing is shown in the preview: start the dev server first (start_process).');
  return port;
}

export async function screenshotPreview(ctx: ToolContext, args: ToolArgs<'screenshot_preview'>): Promise<ToolOutcome> {
  const port = shownPort(ctx);
  if (!ctx.env.capturePreview) throw new ToolError('Screenshots of the preview are not available on this page.');
  const name = args.viewport ?? 'desktop';
  const capture = await ctx.env.capturePreview(VIEWPORTS[name]);
  return { ok: true, output: `Screenshot of the preview (port ${port}) at ${name} ${capture.width}×${capture.height}, attached as an image.`, images: [capture.png] };
}

/** A step as one line for the model and the card. */
export function stepLabel(step: ActStep): string {
  const { do: verb, ...rest } = step;
  return `${verb} ${JSON.stringify(rest)}`;
}

export async function previewAct(ctx: ToolContext, args: ToolArgs<'preview_act'>): Promise<ToolOutcome> {
  shownPort(ctx);
  if (!ctx.env.actInPreview) throw new ToolError('Acting in the preview is not available on this page.');
  const { results, consoleErrors, failedRequests } = await ctx.env.actInPreview(VIEWPORTS[args.viewport ?? 'desktop'], args.steps);
  const steps = args.steps.map((step, i) => ({ label: stepLabel(step), ok: results[i]?.ok ?? false, detail: results[i]?.detail ?? 'not run: an earlier step failed' }));
  const ok = steps.every((s) => s.ok);
  const lines = [
    ok ? `All ${steps.length} steps passed.` : `Failed at step ${steps.findIndex((s) => !s.ok) + 1} of ${steps.length}.`,
    ...steps.map((s, i) => `${i + 1}. ${s.ok ? 'ok' : 'FAILED'} ${s.label}: ${s.detail}`),
    `Console errors: ${consoleErrors.length ? `\n- ${consoleErrors.join('\n- ')}` : 'none'}`,
    `Failed requests: ${failedRequests.length ? `\n- ${failedRequests.join('\n- ')}` : 'none'}`,
  ];
  return { ok, output: lines.join('\n'), detail: { kind: 'check', steps, consoleErrors, failedRequests } };
}
