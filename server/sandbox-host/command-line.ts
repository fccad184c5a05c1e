import 'server-only';
import path from 'node:path';
import { AppError } from '@/lib/errors';
import { WORKSPACE } from '@/server/sandbox-host/config';

// How a command's request becomes what runs in the sandbox: its working directory and, for terminals,
// its command line under `script`.

export function resolveCwd(cwd: string | undefined): string {
  const rel = (cwd ?? '').replace(/^\/workspace(?=\/|$)/, '');
  if (rel.includes('\0')) throw new AppError('bad_request:sandbox', 'That working directory is not allowed.');
  // Normalizing an absolute path clamps any "..", so the result stays inside the workspace.
  const clean = path.posix.normalize(`/${rel}`).replace(/\/+$/, '');
  return clean ? `${WORKSPACE}${clean}` : WORKSPACE;
}

const shellQuote = (word: string) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`);

/**
 * Terminals run under `script`, which gives the command a pty of its own inside the sandbox: a shell's
 * job control needs a controlling terminal whose process groups live in its pid namespace (the server's
 * pty belongs to the namespace outside). `script` passes data and window size changes through.
 */
export function terminalWrapper(command: string, args: string[]): string[] {
  return ['script', '--quiet', '--flush', '--return', '--command', [command, ...args].map(shellQuote).join(' '), '/dev/null'];
}
