import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { Db } from '@/db/client';
import { AGENT_LIMITS } from '@/lib/agent/protocol';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { TurnDeps } from '@/server/model/turn';

export const TRPC_PATH = '/api/trpc';

/** A turn's images (capped each) plus text and tool results: the largest body any procedure takes. */
export const MAX_TRPC_BODY_BYTES = AGENT_LIMITS.maxImages * AGENT_LIMITS.maxImageChars + 4 * 1024 * 1024;

/** Procedures whose input may be large: a chat message with images, a file's content, a sync batch, a zip, a design. */
const LARGE_INPUT = new Set(['chat.send', 'files.write', 'files.create', 'sandbox.applyChanges', 'archive.import', 'design.start', 'design.score']);

export const TRPC_BODY_LIMITS = {
  /** Without a session: a fresh identity owns nothing, so it has nothing large to send. */
  anonymous: 64 * 1024,
  /** Every other procedure's input is ids, names and settings. */
  small: 1024 * 1024,
} as const;

/** The body cap for a tRPC request (`large` for LARGE_INPUT; a batch gets the largest of its calls'). */
export function trpcBodyLimit(url: string, hasSession: boolean, large: number): number {
  if (!hasSession) return TRPC_BODY_LIMITS.anonymous;
  const pathname = new URL(url, 'http://localhost').pathname;
  const paths = decodeURIComponent(pathname.slice(TRPC_PATH.length + 1)).split(',');
  return paths.some((p) => LARGE_INPUT.has(p)) ? large : TRPC_BODY_LIMITS.small;
}

export type TrpcListener = (req: IncomingMessage, res: ServerResponse, maxBodySize?: number) => void;

/**
 * /api/trpc/* on node:http with tRPC's own Node adapter, served by the custom server (server/main.ts,
 * behind the edge checks of server/http/server.ts, which pick `maxBodySize`), and by tests and
 * bench:proxy on a plain http.Server: one handler, one router. The adapter reads the body as it streams
 * and answers 413 once it passes `maxBodySize`.
 */
export function createTrpcListener(opts: { getDb: () => Promise<Db>; turns?: TurnDeps }): TrpcListener {
  return (req, res, maxBodySize = MAX_TRPC_BODY_BYTES) => {
    // What Next's headers() gave the API before it moved here.
    res.setHeader('x-content-type-options', 'nosniff');
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname.slice(TRPC_PATH.length + 1));
    void nodeHTTPRequestHandler({
      req,
      res,
      path,
      router: appRouter,
      maxBodySize,
      // chat.send alone (how the agent sends it): its session is checked within the turn's one statement.
      createContext: async () => createContext({ req, res, db: await opts.getDb(), turns: opts.turns, deferSession: path === 'chat.send' }),
      onError({ error, path: procedure }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${procedure ?? '?'} failed:`, error.cause ?? error);
      },
    });
  };
}

/** Whether a request is for the tRPC endpoint. */
export function isTrpcRequest(url: string | undefined): boolean {
  return url === TRPC_PATH || (url?.startsWith(`${TRPC_PATH}/`) ?? false) || (url?.startsWith(`${TRPC_PATH}?`) ?? false);
}
