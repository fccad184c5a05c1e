import {
  MOUNT_BATCH_BYTES,
  base64ToBytes,
  CLOSE_CODES,
  bytesToBase64,
  SANDBOX_WS_PATH,
  type ResponseResults,
  type SandboxRequestInput,
  type ServerMessage,
} from '@/lib/sandbox/host-client/protocol';
import { RemoteProcess } from '@/lib/sandbox/host-client/remote-process';
import type { DirEntry, ExitInfo, FsEvent, Sandbox, SandboxProcess, ServerReadyEvent, SpawnOptions } from '@/lib/sandbox/types';

// The browser side of the host sandbox: the Sandbox port spoken over one WebSocket to the IDE server,
// which runs everything under bubblewrap (server/sandbox-host). The browser's WebSocket by default;
// Node tests pass the `ws` package (with the session cookie in its headers).

/** The part of the WebSocket API the client uses (browser WebSocket and `ws` both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: never) => void): void;
}
export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface HostSandboxOptions {
  projectId: string;
  /** The IDE's origin (http://localhost:3000); defaults to the page's. */
  baseUrl?: string;
  WebSocket?: WebSocketConstructor;
  /** How long to wait for the server's hello. */
  connectTimeoutMs?: number;
}

export interface HostSandbox extends Sandbox {
  readonly kind: 'host';
  /** The caller's role in the project: viewers may read files but not write or spawn. */
  readonly role: 'owner' | 'editor' | 'viewer';
  /** Dev servers listening now: port → preview URL. */
  readonly servers: ReadonlyMap<number, string>;
  /** Resolves when the socket closes, with the server's code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
}

export class HostSandboxError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'HostSandboxError';
  }
}

/** Why the server refused the socket, in the app's error vocabulary. */
const closeErrorCodes: Record<number, string> = {
  [CLOSE_CODES.unauthorized]: 'unauthorized:auth',
  [CLOSE_CODES.forbidden]: 'forbidden:project',
  [CLOSE_CODES.notFound]: 'not_found:project',
  [CLOSE_CODES.badRequest]: 'bad_request:sandbox',
};

function socketUrl(options: HostSandboxOptions): string {
  const base = options.baseUrl ?? (typeof location !== 'undefined' ? location.origin : undefined);
  if (!base) throw new Error('createHostSandbox needs a baseUrl outside the browser');
  const url = new URL(SANDBOX_WS_PATH, base);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.searchParams.set('projectId', options.projectId);
  return url.toString();
}

export async function createHostSandbox(options: HostSandboxOptions): Promise<HostSandbox> {
  const Ctor = options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketConstructor | undefined);
  if (!Ctor) throw new Error('No WebSocket implementation available');
  const socket = new Ctor(socketUrl(options));

  let nextId = 1;
  const pending = new Map<number, { op: string; resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const processes = new Map<string, RemoteProcess>();
  const watchers = new Map<string, (events: FsEvent[]) => void>();
  const readyListeners = new Set<(event: ServerReadyEvent) => void>();
  const closedListeners = new Set<(port: number) => void>();
  const servers = new Map<number, string>();
  let role: HostSandbox['role'] = 'viewer';
  let closedInfo: { code: number; reason: string } | undefined;
  let resolveClosed!: (info: { code: number; reason: string }) => void;
  const closed = new Promise<{ code: number; reason: string }>((resolve) => (resolveClosed = resolve));

  const sendRaw = (request: SandboxRequestInput) => {
    if (socket.readyState === 1) socket.send(JSON.stringify(request));
  };

  function request<K extends keyof ResponseResults>(
    op: K,
    fields: Omit<Extract<SandboxRequestInput, { op: K }>, 'id' | 'op'>,
  ): Promise<ResponseResults[K]> {
    if (closedInfo) return Promise.reject(new HostSandboxError('unavailable:sandbox', `The sandbox connection is closed (${closedInfo.reason || closedInfo.code}).`));
    const id = nextId++;
    return new Promise((resolve, reject) => {
      pending.set(id, { op, resolve: resolve as (value: unknown) => void, reject });
      socket.send(JSON.stringify({ ...fields, id, op }));
    });
  }

  const hello = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new HostSandboxError('unavailable:sandbox', 'The sandbox server did not answer in time.'));
      socket.close();
    }, options.connectTimeoutMs ?? 15_000);

    socket.addEventListener('message', (event: { data: unknown }) => {
      const message = JSON.parse(String(event.data)) as ServerMessage;
      switch (message.type) {
        case 'hello':
          role = message.role;
          for (const { port, url } of message.ports) servers.set(port, url);
          clearTimeout(timer);
          resolve();
          break;
        case 'response': {
          const waiter = pending.get(message.id);
          if (!waiter) break;
          pending.delete(message.id);
          if (message.ok && waiter.op === 'spawn') {
            // Registered here, not after the await: `ws` may hand over this pid's first output in the same tick.
            const { pid } = message.result as ResponseResults['spawn'];
            const proc = new RemoteProcess(pid, sendRaw);
            processes.set(pid, proc);
            waiter.resolve(proc);
          } else if (message.ok) waiter.resolve(message.result ?? null);
          else waiter.reject(new HostSandboxError(message.error.code, message.error.message));
          break;
        }
        case 'output':
          processes.get(message.pid)?.deliver(message.data);
          break;
        case 'exit': {
          const proc = processes.get(message.pid);
          processes.delete(message.pid);
          proc?.finish({
            code: message.code,
            ...(message.reason ? { reason: message.reason as ExitInfo['reason'] } : {}),
            ...(message.message ? { message: message.message } : {}),
          });
          break;
        }
        case 'fs':
          watchers.get(message.watchId)?.(message.events);
          break;
        case 'server-ready':
          servers.set(message.port, message.url);
          for (const listener of readyListeners) listener({ port: message.port, url: message.url });
          break;
        case 'port-closed':
          servers.delete(message.port);
          for (const listener of closedListeners) listener(message.port);
          break;
      }
    });
    socket.addEventListener('close', (event: { code: number; reason: string }) => {
      clearTimeout(timer);
      closedInfo = { code: event.code, reason: event.reason };
      const code = closeErrorCodes[event.code] ?? 'unavailable:sandbox';
      const error = new HostSandboxError(code, event.reason || `The sandbox connection closed (${event.code}).`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
      for (const proc of processes.values()) proc.finish({ code: -1, reason: 'teardown', message: 'The sandbox connection closed.' });
      processes.clear();
      resolveClosed(closedInfo);
    });
  });
  await hello;

  const fs: Sandbox['fs'] = {
    readFile: async (path) => base64ToBytes((await request('readFile', { path })).data),
    readTextFile: async (path) => new TextDecoder().decode(base64ToBytes((await request('readFile', { path })).data)),
    writeFile: async (path, data) => {
      const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
      await request('writeFile', { path, data: bytesToBase64(bytes) });
    },
    mkdir: async (path, opts) => void (await request('mkdir', { path, recursive: opts?.recursive })),
    readdir: async (path): Promise<DirEntry[]> => (await request('readdir', { path })).entries,
    rm: async (path, opts) => void (await request('rm', { path, recursive: opts?.recursive, force: opts?.force })),
    rename: async (from, to) => void (await request('rename', { from, to })),
    watch: (path, listener) => {
      let watchId: string | undefined;
      let cancelled = false;
      void request('watch', { path }).then(
        (result) => {
          if (cancelled) void request('unwatch', { watchId: result.watchId }).catch(() => {});
          else {
            watchId = result.watchId;
            watchers.set(watchId, listener);
          }
        },
        () => {},
      );
      return () => {
        cancelled = true;
        if (watchId) {
          watchers.delete(watchId);
          void request('unwatch', { watchId }).catch(() => {});
        }
      };
    },
  };

  const sandbox: HostSandbox = {
    kind: 'host',
    get role() {
      return role;
    },
    servers,
    closed,
    fs,
    async spawn(command: string, args: string[] = [], opts: SpawnOptions = {}): Promise<SandboxProcess> {
      const proc = (await request('spawn', {
        command,
        args,
        cwd: opts.cwd,
        env: opts.env,
        terminal: opts.terminal,
        network: opts.network,
        timeoutMs: opts.timeoutMs,
      })) as unknown as RemoteProcess;
      return proc;
    },
    onServerReady(listener) {
      readyListeners.add(listener);
      return () => readyListeners.delete(listener);
    },
    onPortClosed(listener) {
      closedListeners.add(listener);
      return () => closedListeners.delete(listener);
    },
    async mount(tree) {
      // In batches under the message cap (MAX_MESSAGE_BYTES); a mount only adds files, so batches compose.
      let wire: Record<string, string> = {};
      let size = 0;
      for (const [path, data] of Object.entries(tree)) {
        const encoded = bytesToBase64(typeof data === 'string' ? new TextEncoder().encode(data) : data);
        if (size > 0 && size + encoded.length + path.length > MOUNT_BATCH_BYTES) {
          await request('mount', { tree: wire });
          wire = {};
          size = 0;
        }
        wire[path] = encoded;
        size += encoded.length + path.length;
      }
      await request('mount', { tree: wire });
    },
    async exportTree() {
      const { tree } = await request('exportTree', {});
      return Object.fromEntries(Object.entries(tree).map(([path, data]) => [path, base64ToBytes(data)]));
    },
    async dispose() {
      if (closedInfo) return;
      socket.close(1000, 'disposed');
      // The server ends this socket's processes when it sees the close; do not hang on a silent peer.
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 5000))]);
    },
  };
  return sandbox;
}
