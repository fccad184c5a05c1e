import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpFetch } from '@/server/model/http-fetch';

// The model client's transport against a real HTTP server: what the openai SDK relies on from fetch.
let server: http.Server;
let base = '';
const seen: { method?: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      seen.push({ method: req.method, headers: req.headers, body });
      if (req.url === '/sse') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'x-request-id': 'r1' });
        res.write('data: one\n\n');
        setTimeout(() => res.end('data: two\n\n'), 30);
      } else if (req.url === '/cut') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n');
        setTimeout(() => res.destroy(), 20);
      } else if (req.url === '/slow') {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: one\n\n'); // and never ends
      } else if (req.url === '/odd') {
        res.writeHead(600).end();
      } else if (req.url === '/empty') {
        res.writeHead(204).end();
      } else {
        res.writeHead(429, { 'retry-after-ms': '5', 'set-cookie': ['a=1', 'b=2'] }).end('{"error":"slow down"}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('httpFetch', () => {
  it('sends method, headers and a text body, and streams the response chunk by chunk', async () => {
    const res = await httpFetch(`${base}/sse`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-key': 'k' }, body: '{"é":1}' });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('r1');
    const reader = res.body!.getReader();
    const first = await reader.read();
    // the first event arrives before the server finished the response
    expect(new TextDecoder().decode(first.value)).toBe('data: one\n\n');
    let rest = '';
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe('data: two\n\n');
    const request = seen.at(-1)!;
    expect(request).toMatchObject({ method: 'POST', body: '{"é":1}' });
    expect(request.headers).toMatchObject({ 'content-type': 'application/json', 'x-key': 'k', 'content-length': '8' });
  });

  it('keeps error statuses, repeated headers and bodies readable', async () => {
    const res = await httpFetch(`${base}/limited`, { method: 'GET' });
    expect([res.status, res.ok, res.headers.get('retry-after-ms')]).toEqual([429, false, '5']);
    expect(res.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await res.json()).toEqual({ error: 'slow down' });
    const empty = await httpFetch(`${base}/empty`);
    expect([empty.status, empty.body]).toEqual([204, null]);
    // a status fetch cannot represent is a failed call, not a crash
    await expect(httpFetch(`${base}/odd`)).rejects.toThrow(TypeError);
  });

  it('rejects an aborted call with an AbortError, before sending and while the body streams', async () => {
    await expect(httpFetch(`${base}/sse`, { signal: AbortSignal.abort() })).rejects.toMatchObject({ name: 'AbortError' });
    const controller = new AbortController();
    const res = await httpFetch(`${base}/slow`, { signal: controller.signal });
    const reader = res.body!.getReader();
    await reader.read();
    const next = reader.read();
    controller.abort();
    await expect(next).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('fails a dropped stream and an unreachable server like fetch does', async () => {
    const res = await httpFetch(`${base}/cut`);
    const reader = res.body!.getReader();
    await reader.read();
    await expect(reader.read()).rejects.toThrow();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(httpFetch(`http://127.0.0.1:${port}/`)).rejects.toThrow(TypeError);
  });

  it('leaves what it does not handle to the built-in fetch', async () => {
    const form = new FormData();
    form.set('f', 'v');
    const res = await httpFetch(`${base}/sse`, { method: 'POST', body: form });
    expect(res.status).toBe(200);
    await res.text();
    expect(seen.at(-1)!.headers['content-type']).toMatch(/^multipart\/form-data/);
  });
});
