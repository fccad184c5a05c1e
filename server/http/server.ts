import 'server-only';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { AGENT_TURN_URL, type TurnEvent } from '@/lib/agent/protocol';
import { messageFor } from '@/lib/errors';
import { TRPC_ENDPOINT, trpcBodyLimit } from '@/server/api/http';
import { decodeSession, readCookie, SESSION_COOKIE } from '@/server/auth/session';
import { bodyRefusal, checkRequest, checkUpgrade, closeUnfinishedBodies, refuse, refuseUpgrade, type EdgePolicy, type Refusal } from '@/server/http/edge';
import { MAX_TURN_BODY_BYTES } from '@/server/model/turn-http';

// The IDE's node:http server: every request and upgrade passes the edge checks (server/http/edge.ts)
// first, then goes to its route: previews and the sandbox socket (server/sandbox-host), tRPC, the
// agent's turn endpoint, and Next for everything else. server/main.ts builds it with the real routes;
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
  trpc: (req: IncomingMessage, res: ServerResponse, maxBodySize: number) => Promise<void>;
  /** The largest tRPC body (MAX_BODY_MB) for the procedures that take large inputs. */
  trpcMaxBodyBytes: number;
  agentTurn: Listener;
  next: Listener;
  nextUpgrade: UpgradeListener;
}

const hasSession = (req: IncomingMessage) => decodeSession(readCookie(req.headers.cookie, SESSION_COOKIE)) !== undefined;

/** A refused turn, as the one JSON error event the turn's client reads (lib/agent/protocol.ts). */
function refuseTurn(res: ServerResponse, refusal: Refusal): void {
  const event: TurnEvent = { type: 'error', code: refusal.status === 401 ? 'forbidden' : 'bad_request', message: messageFor(refusal.code), retryable: false };
  res.writeHead(refusal.status, { 'content-type': 'application/json', connection: 'close' }).end(JSON.stringify(event));
}

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
    if (path === TRPC_ENDPOINT || path.startsWith(`${TRPC_ENDPOINT}/`)) {
      const max = trpcBodyLimit(req.url ?? '/', hasSession(req), routes.trpcMaxBodyBytes);
      const refusal = bodyRefusal(req, max, { chunked: true });
      if (refusal) return refuse(res, refusal);
      void routes.trpc(req, res, max);
      return;
    }
    if (req.method === 'POST' && path === AGENT_TURN_URL) {
      // Identity before the body: a turn without a session is refused unread.
      const refusal: Refusal | undefined = hasSession(req)
        ? bodyRefusal(req, MAX_TURN_BODY_BYTES, { chunked: false })
        : { status: 401, code: 'unauthorized:auth' };
      if (refusal) return refuseTurn(res, refusal);
      return routes.agentTurn(req, res);
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
