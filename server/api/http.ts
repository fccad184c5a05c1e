import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { createURL, nodeHTTPRequestHandler } from '@trpc/server/adapters/node-http';
import type { Db } from '@/db/client';
import { appRouter } from '@/server/api/root';
import { createContext } from '@/server/api/trpc';

export const TRPC_ENDPOINT = '/api/trpc';

function onError({ error, path }: { error: { code: string; cause?: unknown }; path?: string }) {
  if (error.code === 'INTERNAL_SERVER_ERROR') console.error(`tRPC ${path ?? '?'} failed:`, error.cause ?? error);
}

/** Procedures whose input may be large: a chat message with images, a file's content, a sync batch. */
const LARGE_INPUT = new Set(['chat.send', 'files.write', 'files.create', 'sandbox.applyChanges']);

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
  const paths = decodeURIComponent(pathname.slice(TRPC_ENDPOINT.length + 1)).split(',');
  return paths.some((p) => LARGE_INPUT.has(p)) ? large : TRPC_BODY_LIMITS.small;
}

/**
 * The tRPC endpoint on node:http (server/main.ts serves it before Next): tRPC's node adapter reads the
 * body as it streams and answers 413 once it passes `maxBodySize`.
 */
export function createTrpcNodeHandler(opts: { getDb: () => Promise<Db> }) {
  return async (req: IncomingMessage, res: ServerResponse, maxBodySize: number): Promise<void> => {
    const db = await opts.getDb();
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname.slice(TRPC_ENDPOINT.length + 1));
    await nodeHTTPRequestHandler({
      req,
      res,
      path,
      router: appRouter,
      maxBodySize,
      createContext: () => {
        // Only the headers are read (the cookie, the scheme); the body stays with the adapter.
        const headers = new Headers();
        for (const [key, value] of Object.entries(req.headers)) {
          if (typeof value === 'string') headers.set(key, value);
        }
        const request = new Request(createURL(req), { headers });
        return createContext({ req: request, setCookie: (header) => res.appendHeader('set-cookie', header), db });
      },
      onError,
    });
  };
}

/** The same endpoint as a fetch handler, for tests that drive it with Request objects. */
export function createTrpcHandler(opts: { getDb: () => Promise<Db>; endpoint?: string }) {
  return async (req: Request): Promise<Response> => {
    const db = await opts.getDb();
    return fetchRequestHandler({
      endpoint: opts.endpoint ?? TRPC_ENDPOINT,
      req,
      router: appRouter,
      createContext: ({ req: request, resHeaders }) => createContext({ req: request, setCookie: (h) => resHeaders.append('set-cookie', h), db }),
      onError,
    });
  };
}
