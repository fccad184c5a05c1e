import 'server-only';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import type { Db } from '@/db/client';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';

/** The tRPC endpoint as a plain fetch handler; the route passes the app's database, tests their own. */
export function createTrpcHandler(opts: { getDb: () => Promise<Db>; endpoint?: string }) {
  return async (req: Request): Promise<Response> => {
    const db = await opts.getDb();
    return fetchRequestHandler({
      endpoint: opts.endpoint ?? '/api/trpc',
      req,
      router: appRouter,
      createContext: ({ req: request, resHeaders }) => createContext({ req: request, resHeaders, db }),
      onError({ error, path }) {
        if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
      },
    });
  };
}
