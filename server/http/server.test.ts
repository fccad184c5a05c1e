import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WS, { WebSocketServer } from 'ws';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { createTrpcListener, TRPC_BODY_LIMITS, trpcBodyLimit } from '@/server/api/http';
import { sessionCookieFor } from '@/server/auth/request-user';
import { edgePolicy } from '@/server/http/edge';
import { createIdeServer } from '@/server/http/server';
import { parsePreviewHost } from '@/server/sandbox-host/preview-proxy';

// The IDE's server with its edge checks, on a real port: real tRPC on a fresh PGlite; Next and the
// preview proxy stand in as small handlers that say they were reached.

const LARGE = 2 * 1024 * 1024;
let testDb: TestDb;
let server: http.Server;
let port: number;
let own: string;
let cookie: string;
const wss = new WebSocketServer({ noServer: true });
const previewHost = (p: number) => `5173-0b0e7a7c-3a4b-4c5d-8e9f-0123456789ab.preview.localhost:${p}`;

beforeAll(async () => {
  testDb = await createTestDb();
  const [user] = await seedUsers(testDb.db, 1);
  cookie = await sessionCookieFor(testDb.db, user!.id);
  const reached = (name: string) => (req: http.IncomingMessage, res: http.ServerResponse) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'text/plain' }).end(name));
  };
  server = createIdeServer({
    policy: edgePolicy({
      allowedHosts: ['ide.internal'],
      publicUrl: 'https://ide.example.com',
      isPreviewHost: (h) => parsePreviewHost(h, 'preview.localhost') !== undefined,
    }),
    sandboxHost: {
      handleRequest: (req, res) => (parsePreviewHost(req.headers.host, 'preview.localhost') ? (reached('preview')(req, res), true) : false),
      handleUpgrade: () => false,
    },
    trpc: createTrpcListener({ getDb: async () => testDb.db }),
    trpcMaxBodyBytes: LARGE,
    next: reached('next'),
    nextUpgrade: (req, socket, head) => wss.handleUpgrade(req, socket, head, (ws) => ws.send('next socket')),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  own = `http://localhost:${port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  wss.close();
  await testDb.close();
});

interface Sent {
  status: number;
  body: string;
}

function send(options: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.path, headers: { host: `localhost:${port}`, ...options.headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/**
 * A chunked body that never ends: chunks go out as fast as the server reads them, until the answer
 * arrives (or `giveUpAfter` bytes went out, which only an unbounded server lets happen).
 */
function sendEndless(path: string, headers: Record<string, string>, giveUpAfter = 512 * 1024 * 1024): Promise<{ status: number; sent: number; rssGrowth: number }> {
  const chunk = Buffer.alloc(64 * 1024, 'x');
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request({ host: '127.0.0.1', port, method: 'POST', path, headers: { host: `localhost:${port}`, origin: own, 'content-type': 'application/json', ...headers } });
    req.on('response', (res) => {
      answered = true;
      res.resume();
      resolve({ status: res.statusCode ?? 0, sent, rssGrowth: peakRss - rssBefore });
    });
    req.on('error', (error) => (answered ? undefined : reject(error)));
    const pump = () => {
      while (!answered && sent < giveUpAfter) {
        sent += chunk.length;
        if (sent % (16 * 1024 * 1024) === 0) peakRss = Math.max(peakRss, process.memoryUsage().rss);
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

describe('bodies are capped while they stream', () => {
  it('answers an endless chunked POST to tRPC without a session with 413, and memory stays flat', async () => {
    const result = await sendEndless('/api/trpc/project.create', {});
    expect(result.status).toBe(413);
    expect(result.sent).toBeLessThan(64 * 1024 * 1024);
    expect(result.rssGrowth).toBeLessThan(48 * 1024 * 1024);
  });

  it('caps a signed-in call at 1 MiB, and a large-input procedure (files.write) at the configured size', async () => {
    const small = await sendEndless('/api/trpc/project.rename', { cookie });
    expect(small.status).toBe(413);
    const large = await sendEndless('/api/trpc/files.write', { cookie });
    expect(large.status).toBe(413);
    expect(large.sent).toBeGreaterThan(LARGE);
    expect(large.sent).toBeLessThan(LARGE + 64 * 1024 * 1024);
  });

  it('gives a batch the largest cap of its calls, and an anonymous caller the smallest', () => {
    expect(trpcBodyLimit('/api/trpc/project.rename,files.write?batch=1', true, LARGE)).toBe(LARGE);
    expect(trpcBodyLimit('/api/trpc/project.rename,project.byId?batch=1', true, LARGE)).toBe(TRPC_BODY_LIMITS.small);
    expect(trpcBodyLimit('/api/trpc/files.write', false, LARGE)).toBe(TRPC_BODY_LIMITS.anonymous);
  });

  it('refuses a declared oversize body before reading any of it', async () => {
    const declared = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/trpc/project.create', headers: { host: `localhost:${port}`, origin: own, 'content-length': String(400 * 1024 * 1024) } });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', reject);
      req.flushHeaders();
    });
    expect(declared).toBe(413);
  });

  it('refuses a chunked body for Next, which cannot cap it while reading', async () => {
    expect((await sendEndless('/some/page', { cookie })).status).toBe(411);
  });

  it('serves ordinary calls: a project created over HTTP with the IDE origin', async () => {
    const res = await send({ method: 'POST', path: '/api/trpc/project.create', headers: { origin: own, cookie, 'content-type': 'application/json' }, body: JSON.stringify({ json: { title: 'edge' } }) });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ result: { data: { json: { title: 'edge' } } } });
  });
});

describe('host allowlist', () => {
  it('answers 421 to a host it does not serve (DNS rebinding), serves its own names and previews', async () => {
    for (const host of ['evil.example', `evil.example:${port}`, `localhost.evil.example:${port}`, `evil@localhost:${port}`]) {
      expect((await send({ path: '/', headers: { host } })).status, host).toBe(421);
    }
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`, 'ide.internal', 'ide.example.com', `IDE.internal:${port}`]) {
      expect(await send({ path: '/', headers: { host } }), host).toEqual({ status: 200, body: 'next' });
    }
    expect(await send({ path: '/', headers: { host: previewHost(port) } })).toEqual({ status: 200, body: 'preview' });
  });
});

describe('origin checks', () => {
  const post = (headers: Record<string, string>) => send({ method: 'POST', path: '/form', headers: { 'content-length': '0', ...headers } });

  it('refuses a state-changing request without our Origin', async () => {
    expect((await post({})).status).toBe(403);
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({ origin: 'http://evil.example' })).status).toBe(403);
    expect((await post({ origin: `http://${previewHost(port)}` })).status).toBe(403);
    expect((await post({ origin: `http://127.0.0.1:${port}` })).status).toBe(403);
    expect((await post({ origin: 'http://evil.example', 'sec-fetch-site': 'same-origin' })).status).toBe(403);
    const refused = await post({ origin: 'http://evil.example' });
    expect(JSON.parse(refused.body)).toMatchObject({ error: { code: 'forbidden:origin' } });
  });

  it('accepts our Origin, PUBLIC_URL, Sec-Fetch-Site same-origin, and reads without an Origin', async () => {
    expect(await post({ origin: own })).toEqual({ status: 200, body: 'next' });
    expect(await post({ origin: 'https://ide.example.com' })).toEqual({ status: 200, body: 'next' });
    expect(await post({ 'sec-fetch-site': 'same-origin' })).toEqual({ status: 200, body: 'next' });
    expect(await send({ path: '/p/x' })).toEqual({ status: 200, body: 'next' });
  });

  function upgrade(origin: string | undefined, host = `localhost:${port}`): Promise<string> {
    return new Promise((resolve) => {
      const ws = new WS(`ws://127.0.0.1:${port}/_next/socket`, { headers: { host, ...(origin === undefined ? {} : { origin }) } });
      ws.on('message', (data) => {
        resolve(`open: ${String(data)}`);
        ws.close();
      });
      ws.on('unexpected-response', (_req, res) => resolve(`refused ${res.statusCode}`));
      ws.on('error', (error) => resolve(`error ${error.message}`));
    });
  }

  it('refuses a WebSocket upgrade with a missing, null or foreign Origin, or a foreign Host', async () => {
    expect(await upgrade(undefined)).toBe('refused 403');
    expect(await upgrade('null')).toBe('refused 403');
    expect(await upgrade('http://evil.example')).toBe('refused 403');
    expect(await upgrade(`http://${previewHost(port)}`)).toBe('refused 403');
    expect(await upgrade(`http://evil.example:${port}`, `evil.example:${port}`)).toBe('refused 421');
    expect(await upgrade(own)).toBe('open: next socket');
  });
});
