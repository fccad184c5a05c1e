import 'server-only';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { Db } from '@/db/client';
import { AppError } from '@/lib/errors';
import { effectiveNetwork, resolveSettings } from '@/lib/project-settings';
import { CLOSE_CODES, MAX_MESSAGE_BYTES, requestSchema, type SandboxRequest, type ServerMessage } from '@/lib/sandbox/host-client/protocol';
import { allows, projectAccess, type ProjectAccess } from '@/server/access';
import { liveSessionOf } from '@/server/auth/request-user';
import type { SandboxManager } from '@/server/sandbox-host/manager';
import type { HostProcess } from '@/server/sandbox-host/process';
import { unavailableReason } from '@/server/sandbox-host/tools';
import { terminalTestWatcher } from '@/server/workshop/progress';

/** Requests (and at most MAX_MESSAGE_BYTES of them) a client may send before its access check has finished. */
const MAX_EARLY_MESSAGES = 64;

// /api/sandbox/ws?projectId=…: the browser's line to its project's host sandbox. The session cookie says
// who is calling, the project role what they may do: owner and editor read, write and run; a viewer
// only reads (files, listings, watch, export) and sees dev servers; anyone else is closed with 4404.
// A share-link holder is connected to a sandbox of their own (access.sandboxId), where they may mount
// and run (nothing there goes back to the project); every request re-checks that their link lives.

const WRITE_OPS = new Set<SandboxRequest['op']>(['writeFile', 'mkdir', 'rm', 'rename', 'mount', 'spawn', 'stdin', 'resize', 'kill']);
/** Output waits (the process blocks) while this much is queued on the socket. */
const HIGH_WATER = 2 * 1024 * 1024;
const LOW_WATER = 256 * 1024;
const HEARTBEAT_MS = 30_000;

export interface SandboxSocketOptions {
  manager: SandboxManager;
  getDb: () => Promise<Db>;
  /** The preview URL of a port as seen by this request (its Host decides the origin). */
  previewUrl: (req: IncomingMessage, projectId: string, port: number) => string;
}

interface Authorized {
  projectId: string;
  userId: string;
  role: 'owner' | 'editor' | 'viewer';
  /** The sandbox served: the project's, or a share holder's own. */
  sandboxId: string;
  shared: boolean;
}

export function createSandboxSocketHandler(options: SandboxSocketOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });

  async function authorize(
    req: IncomingMessage,
  ): Promise<Authorized | { close: number; reason: string }> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const projectId = url.searchParams.get('projectId') ?? '';
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(projectId)) {
      return { close: CLOSE_CODES.badRequest, reason: 'projectId must be a project id' };
    }
    // Only the IDE's own pages reach this point: the edge (server/http/edge.ts) refuses other origins.
    const db = await options.getDb();
    const userId = (await liveSessionOf(db, req.headers.cookie))?.userId;
    if (!userId) return { close: CLOSE_CODES.unauthorized, reason: 'Your session is missing or invalid. Reload the page.' };
    const access = await projectAccess(db, projectId, userId);
    if (!access) return { close: CLOSE_CODES.notFound, reason: 'Project not found.' };
    const unavailable = unavailableReason();
    if (unavailable) return { close: CLOSE_CODES.unavailable, reason: unavailable };
    return { projectId, userId, role: access.role, sandboxId: access.sandboxId, shared: access.via === 'share' };
  }

  function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Requests sent before the access check ends wait for it (a few at most), rather than being lost.
      const early: [RawData, boolean][] = [];
      let earlyBytes = 0;
      const hold = (raw: RawData, isBinary: boolean) => {
        earlyBytes += Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : raw.byteLength;
        if (early.push([raw, isBinary]) > MAX_EARLY_MESSAGES || earlyBytes > MAX_MESSAGE_BYTES) {
          ws.close(CLOSE_CODES.badRequest, 'Too many requests before the connection was ready.');
        }
      };
      ws.on('message', hold);
      authorize(req).then(
        async (result) => {
          if ('close' in result) {
            ws.off('message', hold);
            ws.close(result.close, result.reason);
            return;
          }
          // Starting a sandbox counts against the user's cap of running sandboxes.
          const release = await options.manager.attach(result.sandboxId, result.userId).catch((error: unknown) => {
            ws.off('message', hold);
            ws.close(CLOSE_CODES.unavailable, (error instanceof AppError ? error.message : 'The sandbox could not start.').slice(0, 120));
          });
          if (!release) return;
          ws.off('message', hold);
          if (ws.readyState !== ws.OPEN) return release();
          serve(ws, req, result, release);
          for (const [raw, isBinary] of early) ws.emit('message', raw, isBinary);
        },
        (error: unknown) => {
          console.error('sandbox socket authorization failed:', error);
          ws.close(CLOSE_CODES.unavailable, 'The server could not check your access.');
        },
      );
    });
  }

  function serve(ws: WebSocket, req: IncomingMessage, who: Authorized, release: () => void): void {
    const { manager } = options;
    const { projectId, userId, role, sandboxId, shared } = who;
    const workspace = manager.get(sandboxId);
    const mine = new Map<string, HostProcess>();
    const watches = new Map<string, () => void>();
    let nextWatch = 1;
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const url = (port: number) => options.previewUrl(req, sandboxId, port);
    /** The same sandbox as when the socket opened: a share holder's own while the link lives, or the project's. */
    const sameSandbox = (current: ProjectAccess | undefined): current is ProjectAccess =>
      !!current && (shared ? current.via === 'share' && current.sandboxId === sandboxId : current.via !== 'share');

    const stopPorts = workspace.onPorts({
      onServerReady: (port) => send({ type: 'server-ready', port, url: url(port) }),
      onPortClosed: (port) => send({ type: 'port-closed', port }),
    });
    send({ type: 'hello', projectId, role, ports: workspace.ports.map((port) => ({ port, url: url(port) })) });

    const waiting = new Set<HostProcess>();
    let drainTimer: NodeJS.Timeout | undefined;
    const drain = () => {
      if (ws.bufferedAmount > LOW_WATER && ws.readyState === ws.OPEN) return;
      for (const proc of waiting) proc.resume();
      waiting.clear();
      clearInterval(drainTimer);
      drainTimer = undefined;
    };

    const handle = async (request: SandboxRequest): Promise<unknown> => {
      // The role is read again on every request: a member removed, a link revoked or a role lowered counts at once.
      const current = await projectAccess(await options.getDb(), projectId, userId);
      if (!sameSandbox(current)) {
        ws.close(CLOSE_CODES.notFound, 'You no longer have access to this project.');
        throw new AppError('not_found:project');
      }
      if (!shared && !allows(current.role, 'editor') && WRITE_OPS.has(request.op)) {
        if (current.cappedBy) throw new AppError('forbidden:workshop', current.cappedBy);
        throw new AppError('forbidden:project', 'Viewers can look at files but not change them or run commands.');
      }
      switch (request.op) {
        case 'readFile':
        case 'readdir':
        case 'exportTree':
          return workspace.fsRequest(request.op, request);
        case 'writeFile':
        case 'mkdir':
        case 'rm':
        case 'rename':
        case 'mount':
          await workspace.fsRequest(request.op, request);
          return null;
        case 'watch': {
          if (watches.size >= 32) throw new AppError('rate_limit:sandbox', 'Too many watches on one connection.');
          const watchId = `w${nextWatch++}`;
          watches.set(watchId, workspace.watch(request.path, (events) => send({ type: 'fs', watchId, events })));
          return { watchId };
        }
        case 'unwatch':
          watches.get(request.watchId)?.();
          watches.delete(request.watchId);
          return null;
        case 'spawn': {
          await manager.ready(sandboxId);
          // The project's network setting (the default and the ceiling) as it is now.
          const network = effectiveNetwork(request.network, resolveSettings(current.project.settings).network);
          // A terminal (the student typing) on a workshop fork: test summaries in its output reach the dashboard.
          const tests = request.terminal ? await terminalTestWatcher(await options.getDb(), current.project) : undefined;
          const proc = await workspace.spawn(request.command, request.args, { ...request, network });
          mine.set(proc.id, proc);
          // The response goes out before any output: the client registers the process on it.
          queueMicrotask(() => {
            proc.onOutput((data) => {
              tests?.feed(data);
              send({ type: 'output', pid: proc.id, data });
              if (ws.bufferedAmount > HIGH_WATER && !waiting.has(proc)) {
                proc.pause();
                waiting.add(proc);
                drainTimer ??= setInterval(drain, 20);
              }
            });
            void proc.exit.then((info) => {
              tests?.close();
              mine.delete(proc.id);
              waiting.delete(proc);
              send({ type: 'exit', pid: proc.id, code: info.code, reason: info.reason, message: info.message });
            });
          });
          return { pid: proc.id };
        }
        case 'stdin':
          mine.get(request.pid)?.write(request.data);
          return null;
        case 'resize':
          mine.get(request.pid)?.resize(request.size);
          return null;
        case 'kill':
          mine.get(request.pid)?.kill();
          return null;
      }
    };

    ws.on('message', (raw, isBinary) => {
      let id = 0;
      let parsed: SandboxRequest;
      try {
        if (isBinary) throw new Error('binary frames are not part of the protocol');
        const json = JSON.parse(String(raw)) as { id?: unknown };
        id = typeof json.id === 'number' ? json.id : 0;
        parsed = requestSchema.parse(json);
      } catch (error) {
        send({ type: 'response', id, ok: false, error: { code: 'bad_request:sandbox', message: error instanceof Error ? error.message.slice(0, 500) : 'bad request' } });
        return;
      }
      handle(parsed).then(
        (result) => {
          if (parsed.id) send({ type: 'response', id: parsed.id, ok: true, result });
        },
        (error: unknown) => {
          if (!(error instanceof AppError)) console.error(`sandbox ${projectId} ${parsed.op} failed:`, error);
          const code = error instanceof AppError ? error.code : 'unavailable:sandbox';
          const message = error instanceof AppError ? error.message : 'The sandbox could not do that.';
          if (parsed.id) send({ type: 'response', id: parsed.id, ok: false, error: { code, message } });
        },
      );
    });

    // Browsers answer pings by themselves: a peer that stops answering (a laptop gone to sleep, a dropped
    // network) is cut off, so its processes end and the idle timer can start.
    let alive = true;
    ws.on('pong', () => (alive = true));
    const heartbeat = setInterval(() => {
      if (!alive) ws.terminate();
      else {
        alive = false;
        ws.ping();
      }
    }, HEARTBEAT_MS);

    ws.on('close', () => {
      clearInterval(heartbeat);
      clearInterval(drainTimer);
      stopPorts();
      for (const stop of watches.values()) stop();
      // A socket's processes end with it (a closed tab leaves nothing running behind the user's back).
      for (const proc of mine.values()) proc.kill('teardown', 'The connection to the sandbox closed.');
      release();
    });
    ws.on('error', () => {});
  }

  return {
    handleUpgrade,
    close: () => {
      for (const client of wss.clients) {
        client.close(CLOSE_CODES.shutdown, 'The server is shutting down.');
        // A client that does not answer the close handshake is cut off.
        setTimeout(() => client.terminate(), 1000).unref();
      }
      wss.close();
    },
  };
}
