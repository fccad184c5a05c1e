import { connect } from 'node:net';
import type { TestProject } from 'vitest/node';

// Decides, once per run, whether the WebContainer conformance run can happen: its runtime loads from
// stackblitz.com, so without a connection to it the run is skipped with this reason.

declare module 'vitest' {
  export interface ProvidedContext {
    webcontainerSkipReason: string | null;
  }
}

function reachable(host: string, port: number, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (reason: string | null) => {
      socket.destroy();
      resolve(reason);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer from ${host}:${port} within ${timeoutMs} ms`));
    socket.once('connect', () => done(null));
    socket.once('error', (error: NodeJS.ErrnoException) => done(`${host}:${port} unreachable (${error.code ?? error.message})`));
  });
}

export default async function setup(project: TestProject): Promise<void> {
  const problem = await reachable('stackblitz.com', 443, 5000);
  const reason = problem ? `WebContainer conformance skipped: its runtime loads from stackblitz.com, and ${problem}.` : null;
  if (reason) console.log(reason);
  project.provide('webcontainerSkipReason', reason);
}
