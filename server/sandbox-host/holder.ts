import 'server-only';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { NetworkPolicy } from '@/lib/sandbox/types';
import { bwrapArgs, baseEnv, privilegeAndLimitArgs, type SandboxDirs } from '@/server/sandbox-host/bwrap';
import type { SandboxHostConfig } from '@/server/sandbox-host/config';
import { startEgressProxy, type EgressProxy } from '@/server/sandbox-host/egress-proxy';
import { spawnSandboxed, type SpawnedProcess } from '@/server/sandbox-host/spawner';
import { EMPTY_ENV, tool } from '@/server/sandbox-host/tools';

// A network namespace for one (workspace, policy): a small bubblewrap sandbox that owns an empty netns
// (loopback only) and, unless the policy is off, runs socat on 127.0.0.1:3128 → the egress proxy's
// unix socket. Every command spawned with that policy joins this netns, so a dev server started in one
// terminal is reachable from another (and from the preview proxy) at localhost.

export const PROXY_PORT = 3128;
const INSIDE_SOCKET = '/run/ide/proxy.sock';

export class NetHolder {
  readonly policy: NetworkPolicy;
  #child?: SpawnedProcess;
  #proxy?: EgressProxy;
  #nsPid?: number;
  #forwarders = new Map<number, { child: ChildProcess; socket: string }>();
  #closed = false;

  private constructor(policy: NetworkPolicy) {
    this.policy = policy;
  }

  static async start(options: { projectId: string; policy: NetworkPolicy; dirs: SandboxDirs; uid: number; config: SandboxHostConfig }): Promise<NetHolder> {
    const holder = new NetHolder(options.policy);
    await holder.#start(options);
    return holder;
  }

  async #start({ projectId, policy, dirs, uid, config }: { projectId: string; policy: NetworkPolicy; dirs: SandboxDirs; uid: number; config: SandboxHostConfig }): Promise<void> {
    const binds: [string, string, 'ro' | 'rw'][] = [];
    let command = ['sleep', 'infinity'];
    if (policy !== 'off') {
      const socketPath = path.join(dirs.run, `egress-${policy}.sock`);
      const { networkCeiling } = config;
      this.#proxy = await startEgressProxy(socketPath, {
        policy,
        allowlist: config.allowlist,
        overrides: config.hostOverrides,
        ceiling: networkCeiling && (() => networkCeiling(projectId)),
      });
      binds.push([socketPath, INSIDE_SOCKET, 'rw']);
      command = ['socat', `TCP-LISTEN:${PROXY_PORT},bind=127.0.0.1,fork,reuseaddr`, `UNIX-CONNECT:${INSIDE_SOCKET}`];
    }
    const argv = [
      ...privilegeAndLimitArgs(uid, config.limits, { cpuSeconds: 365 * 24 * 3600 }),
      tool('bwrap'),
      ...bwrapArgs(
        {
          dirs,
          unshareNet: true,
          newSession: true,
          cwd: '/',
          env: baseEnv({ terminal: false, npmRegistry: config.npmRegistry }),
          tmpBytes: config.limits.tmpBytes,
          binds,
          infoFd: 3,
        },
        command,
      ),
    ];
    const child = spawnSandboxed(tool('setpriv'), argv.slice(1), ['ignore', 'ignore', 'pipe', 'pipe']);
    this.#child = child;
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-2000)));
    const info = await new Promise<string>((resolve, reject) => {
      let text = '';
      const stream = child.stdio[3] as NodeJS.ReadableStream;
      stream.on('data', (d: Buffer) => {
        text += d.toString();
        if (/"child-pid"\s*:\s*\d+/.test(text)) resolve(text);
      });
      child.once('exit', (code) => reject(new Error(`sandbox network holder failed to start (exit ${code}): ${stderr.trim()}`)));
      child.once('error', reject);
      setTimeout(() => reject(new Error(`sandbox network holder did not start in time: ${stderr.trim()}`)), 15_000).unref();
    }).catch(async (error: unknown) => {
      child.kill('SIGKILL');
      await this.#proxy?.close();
      throw error;
    });
    this.#nsPid = Number(/"child-pid"\s*:\s*(\d+)/.exec(info)?.[1]);
    child.once('exit', () => void this.close());
  }

  get alive(): boolean {
    return !this.#closed && this.#nsPid !== undefined;
  }

  /** The netns to join: /proc/<pid>/ns/net of the holder's sandboxed process. */
  get netnsPath(): string {
    if (!this.#nsPid) throw new Error('holder not started');
    return `/proc/${this.#nsPid}/ns/net`;
  }

  get proxyPort(): number | undefined {
    return this.policy === 'off' ? undefined : PROXY_PORT;
  }

  /** TCP ports listening inside the namespace (except our own proxy forwarder). */
  async listeningPorts(): Promise<number[]> {
    return [...(await this.#listeners()).keys()].sort((a, b) => a - b);
  }

  /**
   * port → the loopback address that reaches it (IPv4 unless the server listens on ::1 only). Read
   * asynchronously: every workspace with a running process polls this, and the event loop serves saves.
   */
  async #listeners(): Promise<Map<number, '127.0.0.1' | '[::1]'>> {
    const found = new Map<number, '127.0.0.1' | '[::1]'>();
    if (!this.#nsPid) return found;
    for (const file of ['tcp', 'tcp6'] as const) {
      let text: string;
      try {
        text = await fs.promises.readFile(`/proc/${this.#nsPid}/net/${file}`, 'utf8');
      } catch {
        continue;
      }
      for (const { port, address } of parseListeners(text)) {
        const v4ok = file === 'tcp' || /^0+$/.test(address);
        if (v4ok) found.set(port, '127.0.0.1');
        else if (!found.has(port)) found.set(port, '[::1]');
      }
    }
    found.delete(PROXY_PORT);
    return found;
  }

  /**
   * A unix socket on the host that reaches 127.0.0.1:<port> inside the namespace: socat in the netns,
   * as the project's uid. Created on first use, kept while the port is open.
   */
  async forwarder(port: number, dirs: SandboxDirs, uid: number): Promise<string> {
    const existing = this.#forwarders.get(port);
    if (existing && existing.child.exitCode === null) return existing.socket;
    const socket = path.join(dirs.previews, `${this.policy}-${port}.sock`);
    const address = (await this.#listeners()).get(port) ?? '127.0.0.1';
    fs.rmSync(socket, { force: true });
    const child = spawn(
      tool('nsenter'),
      // --pdeathsig: the forwarder ends with the server (it runs outside bwrap, so nothing else would end it).
      [`--net=${this.netnsPath}`, '--', tool('setpriv'), `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--pdeathsig=SIGKILL', '--',
        tool('socat'), `UNIX-LISTEN:${socket},fork,mode=600`, address === '[::1]' ? `TCP6:[::1]:${port}` : `TCP4:127.0.0.1:${port}`],
      { stdio: 'ignore', env: EMPTY_ENV, cwd: '/' },
    );
    this.#forwarders.set(port, { child, socket });
    child.once('exit', () => {
      if (this.#forwarders.get(port)?.child === child) this.#forwarders.delete(port);
    });
    for (let i = 0; i < 100 && !fs.existsSync(socket); i++) {
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    if (!fs.existsSync(socket)) throw new Error(`could not reach port ${port} in the sandbox`);
    return socket;
  }

  dropForwarder(port: number): void {
    const entry = this.#forwarders.get(port);
    if (!entry) return;
    this.#forwarders.delete(port);
    entry.child.kill('SIGKILL');
    fs.rmSync(entry.socket, { force: true });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const port of [...this.#forwarders.keys()]) this.dropForwarder(port);
    if (this.#child?.exitCode === null) this.#child.kill('SIGKILL');
    await this.#proxy?.close();
  }
}

/** Local ports in LISTEN state (st 0A) from /proc/net/tcp or tcp6. */
export function parseListeningPorts(text: string): number[] {
  return parseListeners(text).map((l) => l.port);
}

/** Listening sockets: port and local address (hex, as the kernel writes it). */
export function parseListeners(text: string): { port: number; address: string }[] {
  const out: { port: number; address: string }[] = [];
  for (const line of text.split('\n').slice(1)) {
    const fields = line.trim().split(/\s+/);
    if (fields[3] !== '0A' || !fields[1]) continue;
    const [address = '', portHex = ''] = fields[1].split(':');
    const port = parseInt(portHex, 16);
    if (port > 0) out.push({ port, address });
  }
  return out;
}
