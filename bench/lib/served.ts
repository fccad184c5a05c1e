import { spawn } from 'node:child_process';

export interface Served {
  baseUrl: string;
  stop: () => Promise<void>;
}

/**
 * Starts a server process in its own process group and waits until `baseUrl/` answers 200 (polling, up to
 * `timeoutMs`); `stop` ends the whole group. Used for the apps the bench compares against (the floor, bolt.diy).
 */
export async function serveDetached(options: {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  port: number;
  timeoutMs: number;
  pollMs: number;
}): Promise<Served> {
  const child = spawn(options.command, options.args, { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    }
  };
  const baseUrl = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      if ((await fetch(`${baseUrl}/`)).status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`${options.name} did not answer 200 on / within ${options.timeoutMs / 1000} s:\n${log.slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, options.pollMs));
  }
  return { baseUrl, stop };
}
