import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Db } from '@/db/client';
import { createTrpcListener } from '@/server/api/http';
import type { TurnDeps } from '@/server/model/turn';

// Tests: the tRPC listener of server/main.ts on a port of its own, over real HTTP.

export interface ServedTrpc {
  url: string;
  /** Sends a Request written for any origin to the served listener (path and query kept). */
  handle(req: Request): Promise<Response>;
  close(): Promise<void>;
}

export async function serveTrpc(opts: { getDb: () => Promise<Db>; turns?: TurnDeps }): Promise<ServedTrpc> {
  const server = http.createServer(createTrpcListener(opts));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    handle: async (req) => {
      const target = new URL(req.url);
      const body = req.method === 'GET' || req.method === 'HEAD' ? undefined : await req.arrayBuffer();
      return fetch(`${url}${target.pathname}${target.search}`, { method: req.method, headers: req.headers, body, redirect: 'manual' });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
