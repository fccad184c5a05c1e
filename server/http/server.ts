import 'server-only';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { TRPC_PATH, trpcBodyLimit, type TrpcListener } from '@/server/api/http';
import { decodeSession, readCookie, SESSION_COOKIE } from '@/server/auth/session';
import { bodyRefusal, checkRequest, checkUpgrade, closeUnfinishedBodies, refuse, refuseUpgrade, type EdgePolicy } from '@/server/http/edge';

// The IDE's node:http server: every request and upgrade passes the edge checks (server/http/edge.ts)
// first, then goes to its route: previews and the sandbox socket (server/sandbox-host), tRPC (the
// agent's turns included: chat.send), and Next for everything else. server/main.ts builds it with the real routes;
// tests build it with their own.

/** Bodies Next may receive (it serves pages and assets; the API is tRPC). */
export const NEXT_MAX_BODY_BYTES = 64 * 1024;

type Listener = (req: IncomingMessage, res: ServerResponse) => void;
type UpgradeListener = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

export interface IdeRoutes {
  policy: EdgePolicy;
  /** The host sandbox (previews, the sandbox socket): true when it took the request. */
  sandboxHost?: {
    handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  };
  trpc: TrpcListener;
  /** The largest tRPC body (MAX_BODY_MB) for the procedures that take large inputs. */
  trpcMaxBodyBytes: number;
  next: Listener;
  nextUpgrade: UpgradeListener;
}

const hasSession = (req: IncomingMessage) => decodeSession(readCookie(req.headers.cookie, SESSION_COOKIE)) !== undefined;

export function createIdeServer(routes: IdeRoutes): Server {
  const server = createServer((req, res) => {
    closeUnfinishedBodies(req, res);
    const verdict = checkRequest(req, routes.policy);
    if ('status' in verdict) return refuse(res, verdict);
    if (verdict.site === 'preview') {
      if (routes.sandboxHost?.handleRequest(req, res)) return;
      return refuse(res, { status: 421, code: 'bad_request:host' }, 'Previews are served only when the host sandbox is enabled.');
    }
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === TRPC_PATH || path.startsWith(`${TRPC_PATH}/`)) {
      const max = trpcBodyLimit(req.url ?? '/', hasSession(req), routes.trpcMaxBodyBytes);
      const refusal = bodyRefusal(req, max, { chunked: true });
      if (refusal) return refuse(res, refusal);
      return routes.trpc(req, res, max);
    }
    const refusal = bodyRefusal(req, NEXT_MAX_BODY_BYTES, { chunked: false });
    if (refusal) return refuse(res, refusal);
    routes.next(req, res);
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const verdict = checkUpgrade(req, routes.policy);
    if ('status' in verdict) return refuseUpgrade(socket, verdict);
    if (routes.sandboxHost?.handleUpgrade(req, socket, head)) return;
    if (verdict.site === 'preview') return refuseUpgrade(socket, { status: 421, code: 'bad_request:host' });
    routes.nextUpgrade(req, socket, head);
  });
  return server;
}
