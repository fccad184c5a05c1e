import 'server-only';
import fs from 'node:fs';

// Absolute paths of the host programs the sandbox runs through (processes start with an empty env).
const DIRS = ['/usr/bin', '/bin', '/usr/sbin', '/sbin', '/usr/local/bin'];
const found = new Map<string, string>();

export type Tool = 'bwrap' | 'setpriv' | 'prlimit' | 'nsenter' | 'socat';

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
  return (['bwrap', 'setpriv', 'prlimit', 'nsenter', 'socat'] as const).filter((name) => {
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
 * SIGKILL for a sandboxed process tree, given the outer bwrap's pid. bwrap's --die-with-parent misses a
 * sandbox whose pid 1 is still setting up when the outer bwrap dies (seen: killed right after a spawn, the
 * sandbox lived on under init). So: stop the outer bwrap (it cannot start its sandbox meanwhile), kill its
 * children (the sandbox's pid 1, whose death ends its whole pid namespace), then kill it.
 */
export function killSandboxed(pid: number | undefined): void {
  if (!pid) return;
  const signal = (target: number, name: NodeJS.Signals) => {
    try {
      process.kill(target, name);
      return true;
    } catch {
      return false; // already gone
    }
  };
  if (!signal(pid, 'SIGSTOP')) return;
  let children: number[] = [];
  try {
    children = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    /* gone meanwhile */
  }
  for (const child of children) signal(child, 'SIGKILL');
  signal(pid, 'SIGKILL');
}
