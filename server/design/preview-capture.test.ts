import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getUserById } from '@/db/queries/users';
import { VIEWPORTS } from '@/lib/design/protocol';
import { env } from '@/lib/env';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { designNames, designsDir } from '@/server/design/fixtures';
import { decodePng } from '@/server/design/image';
import { capturePreviewOnServer, previewCaptureUrl, setCaptureListenPort } from '@/server/design/preview-capture';
import { scoreImages } from '@/server/design/score';
import { closeServerCapture, ServerCapture } from '@/server/design/server-capture';
import { startSandboxTestServer, TEST_PREVIEW_DOMAIN, type SandboxTestServer } from '@/server/sandbox-host/testing';

// The host sandbox's server-side capture, end to end: a real dev server in bubblewrap, the real preview
// proxy over HTTP, tRPC's design.capture through the access policy, and the server's headless Chromium.

const PORT = 4176;
const DESIGNS = designsDir();
const [design] = designNames(DESIGNS);
const missing = !fs.existsSync(env.CAPTURE_CHROMIUM_PATH) ? `no ${env.CAPTURE_CHROMIUM_PATH}` : env.PREVIEW_DOMAIN !== TEST_PREVIEW_DOMAIN ? 'PREVIEW_DOMAIN is not the test one' : '';
if (missing) console.warn(`server-side capture tests skipped: ${missing}`);
if (!design) console.warn(`server-side capture fidelity test skipped: no design fixtures in ${DESIGNS}`);

// Serves page.html at / and leak.html at /leak from the workspace.
const SERVER = `const http = require('http'), fs = require('fs');
http.createServer((q, s) => {
  if (q.url === '/data') return void setTimeout(() => s.writeHead(200, { 'content-type': 'text/plain' }).end('rgb(200, 0, 0)'), 400);
  const file = q.url === '/' ? 'page.html' : q.url === '/leak' ? 'leak.html' : q.url === '/late' ? 'late.html' : '';
  try { s.writeHead(200, { 'content-type': 'text/html' }).end(fs.readFileSync(file)); } catch { s.writeHead(404).end('no'); }
}).listen(Number(process.argv[2]), '0.0.0.0');`;

let server: SandboxTestServer;
let sandbox: HostSandbox;
/** Another loopback server: what a page must never reach from the capturing browser. */
let outside: http.Server;
let outsideHits = 0;

beforeAll(async () => {
  if (missing) return;
  outside = http.createServer((_req, res) => {
    outsideHits++;
    res.writeHead(200, { 'content-type': 'text/plain' }).end('outside');
  });
  await new Promise<void>((resolve) => outside.listen(0, '127.0.0.1', resolve));
  const outsidePort = (outside.address() as AddressInfo).port;
  server = await startSandboxTestServer();
  setCaptureListenPort(server.port);
  sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
  await sandbox.fs.writeFile('server.cjs', SERVER);
  await sandbox.fs.writeFile('page.html', design ? fs.readFileSync(path.join(DESIGNS, `${design}.html`), 'utf8') : '<p>hello</p>');
  await sandbox.fs.writeFile(
    'leak.html',
    `<!doctype html><body style="background:#0a0"><img src="http://127.0.0.1:${outsidePort}/img.png"><script>fetch('http://localhost:${outsidePort}/f').catch(() => {}); new WebSocket('ws://127.0.0.1:${outsidePort}/ws');</script></body>`,
  );
  // Paints red only after load, once a slow request (400 ms) and a second one after it answer.
  await sandbox.fs.writeFile(
    'late.html',
    `<!doctype html><body style="margin:0;background:#fff"><script>addEventListener('load', () => setTimeout(async () => { await fetch('/data'); document.body.style.background = await (await fetch('/data')).text(); }, 20));</script></body>`,
  );
  const ready = new Promise<void>((resolve) => sandbox.onServerReady((e) => e.port === PORT && resolve()));
  await sandbox.spawn('node', ['server.cjs', String(PORT)]);
  await ready;
}, 90_000);
afterAll(async () => {
  await closeServerCapture();
  await sandbox?.dispose();
  await server?.close();
  outside?.close();
});

async function caller(role: 'owner' | 'editor' | 'viewer' | 'stranger') {
  const user = await getUserById(server.testDb.db, server.userIds[role]);
  return createCaller(createContextInner({ db: server.testDb.db, user: user! }));
}

describe.skipIf(!!missing)('server-side capture of a host sandbox preview', () => {
  it.skipIf(!design)('design.capture returns the preview at 1280×800, scoring ≥ 95 against the fixture PNG', async () => {
    const capture = await (await caller('editor')).design.capture({ projectId: server.projectId, port: PORT, viewport: VIEWPORTS.desktop });
    expect(capture).toMatchObject(VIEWPORTS.desktop);
    expect(capture.png).toMatch(/^data:image\/png;base64,/);
    const png = Buffer.from(capture.png.slice(capture.png.indexOf(',') + 1), 'base64');
    const result = scoreImages(await decodePng(fs.readFileSync(path.join(DESIGNS, `${design}.png`))), await decodePng(png));
    expect(result.score, JSON.stringify(result.parts)).toBeGreaterThanOrEqual(95);
  }, 60_000);

  it('a user without a role gets no capture: tRPC says not found, and a ticket made out to them is refused by the preview', async () => {
    await expect((await caller('stranger')).design.capture({ projectId: server.projectId, port: PORT, viewport: VIEWPORTS.mobile })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect((await caller('viewer')).design.capture({ projectId: server.projectId, port: PORT, viewport: VIEWPORTS.mobile })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    // Straight to the capture with the stranger's id: the proxy asks the access policy and answers 403.
    await expect(capturePreviewOnServer(server.userIds.stranger, server.projectId, { port: PORT, path: '/', viewport: VIEWPORTS.mobile })).rejects.toMatchObject({
      code: 'unavailable:design',
      message: expect.stringContaining('403'),
    });
  }, 60_000);

  it('requests from the capture page to any other origin are refused before they leave the browser', async () => {
    const capturer = new ServerCapture();
    try {
      const { png } = await capturer.capture(
        previewCaptureUrl(server.userIds.owner, server.projectId, { port: PORT, path: '/leak', viewport: VIEWPORTS.mobile }),
        VIEWPORTS.mobile,
      );
      expect((await decodePng(png)).width).toBe(VIEWPORTS.mobile.width);
      expect(outsideHits, 'requests that reached the other server').toBe(0);
      expect(capturer.blocked.some((u) => u.includes('/img.png'))).toBe(true);
      expect(capturer.blocked.some((u) => u.includes('/f'))).toBe(true);
      expect(capturer.blocked.some((u) => u.includes('/ws'))).toBe(true);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it('waits after load until the network is quiet: what a page fetches then is in the picture', async () => {
    const { png } = await capturePreviewOnServer(server.userIds.owner, server.projectId, { port: PORT, path: '/late', viewport: VIEWPORTS.mobile });
    const image = await decodePng(Buffer.from(png.slice(png.indexOf(',') + 1), 'base64'));
    const centre = (image.height / 2) * image.width * 4 + (image.width / 2) * 4;
    expect([...image.data.subarray(centre, centre + 3)]).toEqual([200, 0, 0]);
  }, 60_000);

  it('captures past the open pages and the waiting line are refused at once', async () => {
    const capturer = new ServerCapture({ maxPages: 1, maxWaiting: 1 });
    try {
      const url = previewCaptureUrl(server.userIds.owner, server.projectId, { port: PORT, path: '/late', viewport: VIEWPORTS.mobile });
      const results = await Promise.allSettled([1, 2, 3].map(() => capturer.capture(url, VIEWPORTS.mobile)));
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
      expect((results[2] as PromiseRejectedResult).reason).toMatchObject({ code: 'unavailable:design', message: expect.stringContaining('busy') });
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it('a browser that died is started again at the next capture', async () => {
    const capturer = new ServerCapture();
    try {
      const url = () => previewCaptureUrl(server.userIds.owner, server.projectId, { port: PORT, path: '/', viewport: VIEWPORTS.mobile });
      const first = await capturer.browser();
      await first.close();
      const { png } = await capturer.capture(url(), VIEWPORTS.mobile);
      expect((await decodePng(png)).width).toBe(VIEWPORTS.mobile.width);
      expect(await capturer.browser()).not.toBe(first);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it("two members' captures of the same preview run in two browser contexts, each kept for its own user", async () => {
    const capturer = new ServerCapture();
    try {
      const input = { port: PORT, path: '/', viewport: VIEWPORTS.mobile };
      await capturePreviewOnServer(server.userIds.owner, server.projectId, input, capturer);
      await capturePreviewOnServer(server.userIds.editor, server.projectId, input, capturer);
      await capturePreviewOnServer(server.userIds.owner, server.projectId, input, capturer);
      expect(capturer.warmPages).toBe(2);
      expect((await capturer.browser()).contexts()).toHaveLength(2);
    } finally {
      await capturer.close();
    }
  }, 60_000);

  it('a path that leaves the preview origin is refused', async () => {
    await expect((await caller('owner')).design.capture({ projectId: server.projectId, port: PORT, path: '//127.0.0.1:1/x', viewport: VIEWPORTS.mobile })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
    });
  });
});
