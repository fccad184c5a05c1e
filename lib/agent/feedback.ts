import type { AgentEnvironment } from '@/lib/agent/environment';
import type { Problem } from '@/lib/stores/preview';

// Automatic feedback: when the model stops with its own last command failing, or the preview
// reports new runtime errors after its edits, the loop goes on with that evidence instead of
// waiting for the user. The message names the evidence but does not paste untrusted output into
// it: the command's output is already in the conversation as a tool result (wrapped as data), and
// preview errors are read through preview_status (wrapped the same way).

export interface CommandRecord {
  command: string;
  exitCode: number | null;
  reason?: string;
  /** The user declined or stopped it: not evidence of a bug. */
  userStopped?: boolean;
}

/** A problem's identity, with its count, so a repeat of a known error counts as new. */
export function problemKeys(problems: readonly Problem[]): Map<string, number> {
  return new Map(problems.map((p) => [`${p.kind}|${p.message}|${p.file ?? ''}|${p.line ?? ''}`, p.count]));
}

export function newProblems(before: Map<string, number>, now: readonly Problem[]): Problem[] {
  return now.filter((p) => {
    const known = before.get(`${p.kind}|${p.message}|${p.file ?? ''}|${p.line ?? ''}`);
    return known === undefined || p.count > known;
  });
}

/** The last command the agent ran in this run failed (and was not stopped by the user). */
export function failedCommand(commands: readonly CommandRecord[]): CommandRecord | null {
  const last = commands[commands.length - 1];
  if (!last || last.userStopped) return null;
  return last.exitCode === 0 && !last.reason ? null : last;
}

/**
 * The evidence that the work is not done, as the text of the next message; null when none.
 * Waits `settleMs` for the preview to reload after edits before reading its errors.
 */
export async function autoFeedback(
  env: Pick<AgentEnvironment, 'preview'>,
  commands: readonly CommandRecord[],
  edited: boolean,
  baseline: Map<string, number>,
  settleMs: number,
  signal: AbortSignal,
): Promise<string | null> {
  const failed = failedCommand(commands);
  if (failed) {
    const how = failed.reason === 'timeout' ? 'timed out' : `exited with code ${failed.exitCode}`;
    return `The last command you ran, \`${failed.command.slice(0, 200)}\`, ${how}. Its output is in the tool result above. Find the cause, fix it, and run the command again to confirm.`;
  }
  if (!edited || Object.keys(env.preview().servers).length === 0) return null;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, settleMs);
    signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
  });
  if (signal.aborted) return null;
  const fresh = newProblems(baseline, env.preview().problems);
  if (fresh.length === 0) return null;
  return `After your edits the preview reported ${fresh.length} new runtime error${fresh.length === 1 ? '' : 's'}. Call preview_status to read them, fix the cause, and check the preview again.`;
}
