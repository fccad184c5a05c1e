import 'server-only';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// Serves a fetch-style handler (Request → Response) on node:http without Next. The custom server
// (server/main.ts) routes the agent's streaming endpoint through it, and so do the turn tests and
// bench:proxy. It streams the response body chunk by chunk, and aborts the Request's signal when
// the client disconnects.

export type FetchHandler = (req: Request) => Promise<Response>;
export type NodeListener = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export function nodeListener(handler: FetchHandler): NodeListener {
  return (req, res) => {
    // Each event line goes out as soon as it is written (no Nagle delay on the first token).
    res.socket?.setNoDelay(true);
    const controller = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const headers = new Headers();
    for (const [key, value] of Object.entries(req.headers)) {
      if (typeof value === 'string') headers.set(key, value);
      else if (Array.isArray(value)) for (const v of value) headers.append(key, v);
    }
    const url = `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`;
    void (async () => {
      // Buffered rather than streamed in: cheaper for the small JSON bodies this serves. The handler
      // still checks the size; Node's requestTimeout bounds a client that trickles.
      const chunks: Buffer[] = [];
      if (hasBody) for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = new Request(url, {
        method: req.method,
        headers,
        body: hasBody ? Buffer.concat(chunks) : undefined,
        signal: controller.signal,
      });
      const response = await handler(request);
      const out: Record<string, string | string[]> = {};
      response.headers.forEach((value, key) => {
        if (key === 'set-cookie') return;
        out[key] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length) out['set-cookie'] = cookies;
      res.writeHead(response.status, out);
      if (!response.body) return res.end();
      const reader = response.body.getReader();
      controller.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}), { once: true });
      let lastWrite = 0;
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        res.write(value);
        // Node corks the socket on each write and uncorks it on the next tick, which comes only after
        // the microtasks queued behind this one (the SDK parsing what it already received): about a
        // millisecond later here (bench:proxy). A line after a pause (the first token) goes out now;
        // lines in a burst are left to be sent together.
        const now = performance.now();
        if (now - lastWrite > 1) res.socket?.uncork();
        lastWrite = now;
      }
      res.end();
    })().catch((error: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal server error');
      } else res.destroy();
      if (!controller.signal.aborted) console.error('nodeListener:', error);
    });
  };
}

export interface ServedHandler {
  url: string;
  close: () => Promise<void>;
}

/** The handler on its own server (tests, bench:proxy). */
export async function serveFetchHandler(handler: FetchHandler, port = 0): Promise<ServedHandler> {
  const server = http.createServer(nodeListener(handler));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
