import { toolArgSchemas, validateToolCall, type ToolArgs, type ToolCall, type ToolName } from '@/lib/agent/protocol';
import { ToolError, type ToolContext, type ToolOutcome } from '@/lib/agent/tools/context';
import { deletePath, editFile, listFiles, movePath, readFile, searchFiles, writeFile } from '@/lib/agent/tools/files';
import { previewAct, screenshotPreview } from '@/lib/agent/tools/preview';
import { readProcessOutput, runCommand, startProcess, stopProcess } from '@/lib/agent/tools/processes';
import { errorText } from '@/lib/errors';

export { ProcessRegistry } from '@/lib/agent/tools/processes';
export type { ToolContext, ToolDetail, ToolOutcome } from '@/lib/agent/tools/context';

const MAX_PROBLEMS = 20;

async function previewStatus(ctx: ToolContext): Promise<ToolOutcome> {
  const { servers, port, problems } = ctx.env.preview();
  const lines: string[] = [];
  const ports = Object.keys(servers).map(Number);
  if (ports.length === 0) lines.push('No dev server is running (start one with start_process, e.g. "npm run dev").');
  else {
    lines.push(`Shown in the preview: ${port === null ? 'nothing' : `port ${port} at ${servers[port]}`}`);
    lines.push(`Dev servers: ${ports.map((p) => `${p} → ${servers[p]}`).join(', ')}`);
  }
  if (problems.length === 0) lines.push('Runtime errors: none reported by the page.');
  else {
    lines.push(`Runtime errors (${problems.length}${problems.length > MAX_PROBLEMS ? `, showing the last ${MAX_PROBLEMS}` : ''}):`);
    for (const p of problems.slice(-MAX_PROBLEMS)) {
      const where = p.file ? ` at ${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}` : '';
      lines.push(`- [${p.kind}]${p.count > 1 ? ` ×${p.count}` : ''} ${p.message.slice(0, 500)}${where}`);
    }
  }
  return { ok: true, output: lines.join('\n') };
}

async function updatePlan(ctx: ToolContext, args: ToolArgs<'update_plan'>): Promise<ToolOutcome> {
  ctx.setPlan(args.items);
  const done = args.items.filter((i) => i.status === 'done').length;
  return { ok: true, output: `Plan updated: ${args.items.length} steps, ${done} done.`, detail: { kind: 'plan', items: args.items } };
}

const handlers: { [N in ToolName]: (ctx: ToolContext, args: ToolArgs<N>) => Promise<ToolOutcome> } = {
  list_files: listFiles,
  read_file: readFile,
  write_file: writeFile,
  edit_file: editFile,
  delete_path: deletePath,
  move_path: movePath,
  search_files: searchFiles,
  run_command: runCommand,
  start_process: startProcess,
  read_process_output: readProcessOutput,
  stop_process: stopProcess,
  preview_status: previewStatus,
  screenshot_preview: screenshotPreview,
  preview_act: previewAct,
  update_plan: updatePlan,
};

/**
 * Runs one tool call. The arguments are validated again here (the server validated them too, but
 * the browser trusts neither the model nor the wire). Never throws: failures become a result the
 * model reads.
 */
export async function executeTool(call: Pick<ToolCall, 'id' | 'name' | 'arguments'>, ctx: ToolContext): Promise<ToolOutcome> {
  const checked = validateToolCall(call);
  if (checked.error || !checked.args) return { ok: false, output: checked.error ?? 'Invalid tool call.' };
  const name = checked.name as ToolName;
  const args = toolArgSchemas[name].parse(checked.args);
  try {
    return await (handlers[name] as (ctx: ToolContext, args: unknown) => Promise<ToolOutcome>)(ctx, args);
  } catch (error) {
    if (error instanceof ToolError) return { ok: false, output: error.message };
    const message = errorText(error);
    return { ok: false, output: `${name} failed: ${message}` };
  }
}
