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
