import 'server-only';
import type { RequestListener } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Db } from '@/db/client';
import { AGENT_LIMITS } from '@/lib/agent/protocol';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';
import type { TurnDeps } from '@/server/model/turn';

export const TRPC_PATH = '/api/trpc';

/** A turn's images (capped each) plus text and tool results; a bigger request body is cut off while it is read. */
export const MAX_TRPC_BODY_BYTES = AGENT_LIMITS.maxImages * AGENT_LIMITS.maxImageChars + 4 * 1024 * 1024;

/**
 * /api/trpc/* on node:http with tRPC's own Node adapter, served by the custom server (server/main.ts) in
 * front of Next, and by tests and bench:proxy on a plain http.Server: one handler, one router.
 */
export function createTrpcListener(opts: { getDb: () => Promise<Db>; turns?: TurnDeps }): RequestListener {
  const handler = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: MAX_TRPC_BODY_BYTES,
    createContext: async ({ req, res }) => createContext({ req, res, db: await opts.getDb(), turns: opts.turns }),
    onError({ error, path }) {
      if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
    },
  });
  return (req, res) => {
    // What Next's headers() gave the API before it moved here.
    res.setHeader('x-content-type-options', 'nosniff');
    handler(req, res);
  };
}

/** Whether a request is for the tRPC endpoint. */
export function isTrpcRequest(url: string | undefined): boolean {
  return url === TRPC_PATH || (url?.startsWith(`${TRPC_PATH}/`) ?? false) || (url?.startsWith(`${TRPC_PATH}?`) ?? false);
}
