import 'server-only';
import fs from 'node:fs';
import path from 'node:path';

// Absolute paths of the host programs the sandbox runs through (processes start with an empty env).
const DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];
const found = new Map<string, string>();

export type Tool = 'bwrap' | 'setpriv' | 'prlimit' | 'nice' | 'nsenter' | 'socat';

export function tool(name: Tool): string {
  const cached = found.get(name);
  if (cached) return cached;
  for (const dir of DIRS) {
    const candidate = `${dir}/${name}`;
    if (fs.existsSync(candidate)) {
      found.set(name, candidate);
      return candidate;
    }
  }
  throw new Error(`${name} is not installed: the host sandbox needs bubblewrap, socat and util-linux (apt-get install -y bubblewrap socat util-linux)`);
}

/** Why the host sandbox cannot run on this server, or undefined when it can. */
export function unavailableReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'The host sandbox needs the IDE server to run as root (it runs every project as its own unprivileged uid).';
  const missing = missingTools();
  if (missing.length > 0) return `The host sandbox is not installed on this server (missing: ${missing.join(', ')}; apt-get install -y bubblewrap socat util-linux).`;
  return undefined;
}

/** Which of the needed programs are missing (empty when the host sandbox can run). */
export function missingTools(): Tool[] {
  return (['bwrap', 'setpriv', 'prlimit', 'nice', 'nsenter', 'socat'] as const).filter((name) => {
    try {
      tool(name);
      return false;
    } catch {
      return true;
    }
  });
}

/** Host helpers start with no environment at all: nothing of the server's leaks into a sandbox. */
export const EMPTY_ENV = {} as NodeJS.ProcessEnv;

/**
 * SIGKILL for whatever is left of one project's sandboxes: processes of its uid that bind its workspace
 * (a bwrap, by its arguments) or have it mounted (what runs inside), so a project sharing the uid by a
 * hash collision is spared. bwrap's --die-with-parent misses a sandbox whose pid 1 is still setting up when
 * the outer bwrap is killed (seen: torn down right after a spawn, it lived on under init).
 */
export function killLeftovers(uid: number, workspaceDir: string): number {
  const mounted = `/${path.basename(path.dirname(workspaceDir))}/workspace`;
  let killed = 0;
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (fs.statSync(`/proc/${name}`).uid !== uid) continue;
      const binds = fs.readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').includes(workspaceDir);
      const mounts = fs.readFileSync(`/proc/${name}/mountinfo`, 'utf8').split('\n');
      if (!binds && !mounts.some((line) => line.split(' ')[3]?.endsWith(mounted))) continue;
      process.kill(Number(name), 'SIGKILL');
      killed++;
    } catch {
      /* gone meanwhile */
    }
  }
  return killed;
}
