import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureScriptFor } from '@/server/design/capture-bundle';
import type { SandboxManager } from '@/server/sandbox-host/manager';
import { CAPTURE_PATH, createPreviewProxy, injectBridge } from '@/server/sandbox-host/preview-proxy';

const ID = '0b7c4a8e-5f0e-4c1e-9d7a-2f3b4c5d6e7f';

describe('captureScriptFor', () => {
  it('names the one IDE origin it answers, with no placeholder left', async () => {
    const script = await captureScriptFor('https://ide.example.com');
    expect(script).toContain('"https://ide.example.com"');
    expect(script).not.toContain('__IDE_ORIGIN__');
  });

  it('refuses anything but a bare http(s) origin, so nothing can be written into the script', async () => {
    await expect(captureScriptFor('https://ide.example.com/path')).rejects.toThrow(/not an http\(s\) origin/);
    await expect(captureScriptFor('javascript:alert(1)')).rejects.toThrow();
    await expect(captureScriptFor('https://a.com";alert(1);"')).rejects.toThrow();
  });
});

describe('the preview proxy and the capture script', () => {
  it('injects the capture script after the bridge when asked', () => {
    expect(injectBridge('<head><title>t</title></head>', { capture: true })).toBe(
      '<head><script src="/__ide/bridge.js"></script><script src="/__ide/capture.js"></script><title>t</title></head>',
    );
  });

  let server: http.Server;
  let port = 0;
  beforeAll(async () => {
    // The capture script is answered before any sandbox or access is looked up: no manager or database needed.
    const noDb = () => Promise.reject(new Error('the capture script needs no database'));
    const proxy = createPreviewProxy({ manager: {} as SandboxManager, domain: 'preview.localhost', getDb: noDb, ideOrigin: 'http://localhost:3000' });
    server = http.createServer((req, res) => {
      if (!proxy.handleRequest(req, res)) res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => server?.close());

  const get = (host: string, path: string) =>
    new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path, headers: { host } }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
      }).on('error', reject);
    });

  it(`serves ${CAPTURE_PATH} on preview hosts, answering the configured IDE origin`, async () => {
    const res = await get(`5173-${ID}.preview.localhost:3000`, CAPTURE_PATH);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/javascript/);
    expect(res.body).toBe(await captureScriptFor('http://localhost:3000'));
  });

  it('does not serve it on other hosts', async () => {
    expect((await get('localhost:3000', CAPTURE_PATH)).status).toBe(404);
  });
});
