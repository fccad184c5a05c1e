import 'server-only';
import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';

// The model client's transport: fetch's contract on node:http with keep-alive agents.
// Node's built-in fetch (undici) spends more of the server's thread per call on the way out and in
// (the body written as a web stream, the response through several stream layers). With a fast
// model that was a large part of what the proxy adds to the first token: bench:proxy measured
// 0.2–1.2 ms less with this transport than without (two runs, one after the other).
// The SDK sends JSON text; any other body (forms, streams) goes through the built-in fetch.

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

function abortError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new DOMException('This operation was aborted', 'AbortError');
}

export const httpFetch: typeof fetch = (input, init) => {
  const body = init?.body;
  const plain = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
  const url = new URL(input instanceof Request ? input.url : input);
  const agent = agents[url.protocol as keyof typeof agents];
  if (input instanceof Request || !plain || !agent) return fetch(input, init);
  const signal = init?.signal ?? undefined;
  if (signal?.aborted) return Promise.reject(abortError(signal));
  return new Promise<Response>((resolve, reject) => {
    const headers: Record<string, string> = {};
    new Headers(init?.headers).forEach((value, key) => (headers[key] = value));
    if (typeof body === 'string' || body instanceof Uint8Array) headers['content-length'] = String(Buffer.byteLength(body));
    const request = (url.protocol === 'https:' ? https : http).request(url, { method: init?.method ?? 'GET', headers, agent });
    let response: http.IncomingMessage | undefined;
    // like fetch: the body stream (or the pending call) fails with the signal's reason
    const onAbort = () => (response ?? request).destroy(abortError(signal!) as Error);
    signal?.addEventListener('abort', onAbort, { once: true });
    request.on('error', (error) => {
      signal?.removeEventListener('abort', onAbort);
      reject(signal?.aborted ? abortError(signal) : new TypeError('fetch failed', { cause: error }));
    });
    request.on('response', (res) => {
      response = res;
      const responseHeaders = new Headers();
      for (let i = 0; i < res.rawHeaders.length; i += 2) responseHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      res.on('close', () => signal?.removeEventListener('abort', onAbort));
      const status = res.statusCode ?? 500;
      const empty = status === 204 || status === 304 || init?.method === 'HEAD';
      if (empty) res.resume();
      try {
        const stream = empty ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        resolve(new Response(stream, { status, statusText: res.statusMessage, headers: responseHeaders }));
      } catch (error) {
        // a status or status line that fetch would not accept either
        res.destroy();
        reject(new TypeError('fetch failed', { cause: error }));
      }
    });
    request.end(body ?? undefined);
  });
};
