import type { Sandbox, SandboxKind } from '@/lib/sandbox/types';
import { errorText } from '@/lib/errors';

// Which sandbox a project page uses. WebContainers are the default in a user's browser; the host
// sandbox takes over when the operator or the project says so, when the page is not cross-origin
// isolated, or when the runtime does not boot in time (it loads from stackblitz.com, so it never
// boots offline: its boot() promise does not settle, hence the time limit). The reason is shown.

export interface SandboxBootConfig {
  /** What the operator allows (SANDBOX_ADAPTERS). */
  adapters: SandboxKind[];
  /** The operator forces the host sandbox (SANDBOX_FORCE_HOST). */
  forceHost: boolean;
  webcontainerTimeoutMs: number;
  /** The project's choice. */
  preference: 'auto' | 'webcontainer' | 'host';
}

export interface BootDeps {
  crossOriginIsolated: boolean;
  bootWebContainer: () => Promise<Sandbox>;
  bootHost: () => Promise<Sandbox>;
}

export interface BootResult {
  sandbox: Sandbox;
  /** Why the host sandbox is used instead of a WebContainer; absent when WebContainer booted. */
  fallbackReason?: string;
}

export class SandboxBootError extends Error {
  override name = 'SandboxBootError';
}

export async function bootSandbox(config: SandboxBootConfig, deps: BootDeps): Promise<BootResult> {
  const hostAllowed = config.adapters.includes('host');
  const reason = hostReasonBeforeBoot(config, deps.crossOriginIsolated);
  if (reason === null) {
    try {
      return { sandbox: await withTimeout(deps.bootWebContainer(), config.webcontainerTimeoutMs) };
    } catch (error) {
      const why =
        error instanceof TimeoutError
          ? `The WebContainer runtime did not start within ${Math.round(config.webcontainerTimeoutMs / 1000)} s: it loads from stackblitz.com, which this browser could not reach.`
          : `The WebContainer failed to start: ${errorText(error)}`;
      if (!hostAllowed) throw new SandboxBootError(`${why} The host sandbox is disabled on this server.`);
      return { sandbox: await deps.bootHost(), fallbackReason: why };
    }
  }
  if (!hostAllowed) throw new SandboxBootError(`${reason} The host sandbox is disabled on this server.`);
  return { sandbox: await deps.bootHost(), fallbackReason: reason };
}

/**
 * Why the host sandbox will run the project, when that is known before any boot (the operator's, the project's
 * or the page's rule); null when a WebContainer will be tried. The page shows it from its first paint.
 */
export function hostReasonBeforeBoot(config: SandboxBootConfig, crossOriginIsolated: boolean): string | null {
  if (config.forceHost) return 'This server is set to run every project in its host sandbox (SANDBOX_FORCE_HOST).';
  if (!config.adapters.includes('webcontainer')) return 'WebContainers are disabled on this server (SANDBOX_ADAPTERS).';
  if (config.preference === 'host') return 'This project is set to use the host sandbox.';
  if (!crossOriginIsolated) return 'This page is not cross-origin isolated, which WebContainers need.';
  return null;
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new TimeoutError()), ms))),
  ]).finally(() => clearTimeout(timer));
}
