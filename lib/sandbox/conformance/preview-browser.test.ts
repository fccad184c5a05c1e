import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_SERVER_SOURCE } from '@/lib/sandbox/conformance/dev-server';
import { createHostSandbox, type HostSandbox } from '@/lib/sandbox/host-client';
import { previewEntryUrl } from '@/lib/stores/preview';
import { issuePreviewTicket } from '@/server/auth/preview-ticket';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// A host sandbox's preview in real Chromium, the way the IDE shows it: a cross-origin-isolated page
// (COOP same-origin, COEP credentialless) embeds the preview origin in an iframe through the ticket entry;
// the preview cookie set there (another site: SameSite=None, Secure, Partitioned) carries the page, the
// bridge script reports its location to the parent, and a WebSocket from the preview reaches the dev server.

const CHROMIUM = '/usr/bin/chromium';
let server: SandboxTestServer;
let sandbox: HostSandbox;
let ide: http.Server;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startSandboxTestServer();
  sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
});
afterAll(async () => {
  await browser?.close();
  ide?.close();
  await sandbox?.dispose();
  await server?.close();
});

describe('host preview in Chromium', () => {
  it.skipIf(!fs.existsSync(CHROMIUM))('loads in an iframe of a cross-origin-isolated page, bridge and WebSocket included', async () => {
    await sandbox.fs.writeFile('server.js', DEV_SERVER_SOURCE);
    const ready = new Promise<string>((resolve) => sandbox.onServerReady((e) => e.port === 4173 && resolve(e.url)));
    await sandbox.spawn('node', ['server.js', '4173']);
    const url = await ready;
    const { ticket } = issuePreviewTicket(server.userIds.owner, { projectId: server.projectId, port: 4173 });
    const entry = previewEntryUrl(`${url}page`, ticket);
    ide = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'credentialless' });
      res.end(`<html><body><script>window.msgs = []; addEventListener('message', (e) => window.msgs.push({ origin: e.origin, data: e.data }));</script><iframe src="${entry.replaceAll('&', '&amp;')}"></iframe></body></html>`);
    });
    await new Promise<void>((resolve) => ide.listen(0, '127.0.0.1', resolve));
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage();
    await page.goto(`http://localhost:${(ide.address() as AddressInfo).port}/`);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const previewOrigin = new URL(url).origin;
    await expect
      .poll(() => page.evaluate(() => (window as unknown as { msgs: { origin: string; data: { type: string; href: string } }[] }).msgs), { timeout: 10_000 })
      .toContainEqual({ origin: previewOrigin, data: { source: 'ide-preview', type: 'location', href: `${url}page` } });
    const frame = page.frames().find((f) => f.url().startsWith(previewOrigin));
    expect(await frame!.evaluate(() => document.body.innerText)).toContain('hello from the sandbox /page');
    const echoed = await frame!.evaluate(
      () =>
        new Promise<string>((resolve) => {
          const socket = new WebSocket(`${location.origin.replace('http', 'ws')}/hmr`);
          socket.onopen = () => socket.send('hi');
          socket.onmessage = (e) => resolve(String(e.data));
          socket.onerror = () => resolve('error');
        }),
    );
    expect(echoed).toBe('echo:hi');
  }, 60_000);
});
