import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { requestAct } from '@/lib/design/capture-client';
import type { ActStep } from '@/lib/design/protocol';
import { bundleForBrowser, captureScriptFor } from '@/server/design/capture-bundle';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '@/server/design/render';

// preview_act's page side in a real browser, on real origins: the IDE (127.0.0.1:P) frames a small
// list app on the preview origin (localhost:P) that carries the capture script; a page on a third
// origin (127.0.0.1:Q) frames the same preview and tries to make it act.

type Client = { requestAct: typeof requestAct };
const skip = !fs.existsSync(CHROMIUM_PATH) ? `no ${CHROMIUM_PATH}` : '';
if (skip) console.warn(`act script tests skipped: ${skip}`);

const APP = `<!doctype html><html><head><script src="/__ide/capture.js"></script></head><body>
<h1 id="count">1 item</h1>
<form id="f"><label>New item <input name="item"></label><button type="button" id="add">Add</button></form>
<ul id="list"><li>First</li></ul>
<script>
  const add = () => {
    const input = document.querySelector('input');
    const li = document.createElement('li');
    li.textContent = input.value || 'Untitled';
    input.value = '';
    // Later, as an app that saves first would: the check has to wait for it.
    setTimeout(() => {
      document.getElementById('list').append(li);
      document.getElementById('count').textContent = document.querySelectorAll('li').length + ' items';
    }, 150);
  };
  document.getElementById('add').addEventListener('click', add);
  // No digits in an item: the key is cancelled, as a page that filters keys does.
  document.querySelector('input').addEventListener('keydown', (e) => { if (/^[0-9]$/.test(e.key)) e.preventDefault(); });
  document.getElementById('f').addEventListener('submit', (e) => { e.preventDefault(); add(); });
  window.addEventListener('load', () => { console.error('boom on load'); fetch('/missing.json'); });
</script></body></html>`;

describe.skipIf(!!skip)('acting in the preview', () => {
  let browser: Browser;
  let main: http.Server;
  let other: http.Server;
  let ide = '';
  let preview = '';
  let hostile = '';

  beforeAll(async () => {
    const listen = async (server: http.Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return (server.address() as AddressInfo).port;
    };
    let script = '';
    let client = '';
    const html = (res: http.ServerResponse, body: string) => res.writeHead(200, { 'content-type': 'text/html' }).end(body);
    const framing = () => `<!doctype html><script>${client}</script><iframe id="preview" src="${preview}/" style="width:800px;height:500px;border:0"></iframe>`;
    main = http.createServer((req, res) => {
      const onPreview = req.headers.host?.startsWith('localhost:');
      if (onPreview && req.url === '/__ide/capture.js') return res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      if (onPreview && req.url === '/') return html(res, APP);
      if (!onPreview && req.url === '/') return html(res, framing());
      res.writeHead(404).end();
    });
    other = http.createServer((req, res) => (req.url === '/' ? html(res, framing()) : res.writeHead(404).end()));
    const [p, q] = await Promise.all([listen(main), listen(other)]);
    ide = `http://127.0.0.1:${p}`;
    preview = `http://localhost:${p}`;
    hostile = `http://127.0.0.1:${q}`;
    [script, client] = await Promise.all([captureScriptFor(ide), bundleForBrowser('lib/design/capture-client.ts', '__client')]);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    main?.close();
    other?.close();
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 900, height: 600 } });
    await page.goto(url);
    await page.frameLocator('#preview').locator('#list li').first().waitFor();
    return page;
  }

  const act = (page: Page, steps: ActStep[], timeoutMs = 20_000) =>
    page.evaluate(
      async ({ previewOrigin, steps, timeoutMs }) => {
        const client = (window as unknown as { __client: Client }).__client;
        const frame = (document.getElementById('preview') as HTMLIFrameElement).contentWindow!;
        try {
          return { ok: true as const, ...(await client.requestAct(frame, previewOrigin, steps, timeoutMs)) };
        } catch (error) {
          return { ok: false as const, error: String(error) };
        }
      },
      { previewOrigin: preview, steps, timeoutMs },
    );

  it('clicks by role and name, types, presses Enter, waits for the list to grow, and reports errors and failed requests', async () => {
    const page = await open(`${ide}/`);
    const result = await act(page, [
      { do: 'click', target: { role: 'button', name: 'Add' } },
      { do: 'expect_count', target: { role: 'listitem' }, count: 2 },
      { do: 'type', target: { role: 'textbox', name: 'New item' }, text: 'Milk' },
      { do: 'press', key: 'Enter', target: { selector: 'input[name=item]' } },
      { do: 'expect_text', text: 'Milk', target: { selector: '#list' } },
      { do: 'read_text', target: { role: 'heading' } },
      { do: 'read_dom', target: { text: 'Milk' } },
    ]);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.results.map((r) => r.ok)).toEqual([true, true, true, true, true, true, true]);
    expect(result.results[5]!.detail).toBe('3 items');
    expect(result.results[6]!.detail).toBe('<li>Milk</li>');
    expect(result.consoleErrors).toContain('boom on load');
    expect(result.failedRequests).toEqual([expect.stringMatching(/^GET \/missing\.json → 404$/)]);
    await page.close();
  }, 30_000);

  it('press delivers keys to the focused element: characters at the caret, Backspace, a cancelled key, Enter submitting the form', async () => {
    const page = await open(`${ide}/`);
    const keys = (text: string): ActStep[] => [...text].map((key) => ({ do: 'press', key }));
    const result = await act(page, [
      { do: 'click', target: { role: 'textbox', name: 'New item' } },
      ...keys('Mil j'),
      { do: 'press', key: 'Backspace' },
      { do: 'press', key: 'Backspace' },
      ...keys('k7'),
      { do: 'press', key: 'Enter' },
      { do: 'expect_count', target: { role: 'listitem' }, count: 2 },
      { do: 'read_dom', target: { selector: '#list li:last-child' } },
    ]);
    expect(result).toMatchObject({ ok: true });
    if (!result.ok) return;
    expect(result.results.every((r) => r.ok)).toBe(true);
    expect(result.results.map((r) => r.detail)).toContain('pressed 7 (a handler cancelled it)');
    expect(result.results.at(-1)!.detail).toBe('<li>Milk</li>');
    await page.close();
  }, 30_000);

  it('stops at the first failed step and says what it found', async () => {
    const page = await open(`${ide}/`);
    const result = await act(page, [
      { do: 'expect_count', target: { role: 'listitem' }, count: 5 },
      { do: 'click', target: { role: 'button', name: 'Add' } },
    ]);
    expect(result).toMatchObject({ ok: true, results: [{ ok: false, detail: 'expected 5 × role="listitem", found 1' }] });
    const missing = await act(page, [{ do: 'click', target: { role: 'button', name: 'Delete everything' } }]);
    expect(missing).toMatchObject({ ok: true, results: [{ ok: false, detail: 'No visible element matches role="button" name="Delete everything".' }] });
    await page.close();
  }, 30_000);

  it('does nothing for a page on another origin that frames the preview', async () => {
    const page = await open(`${hostile}/`);
    const result = await act(page, [{ do: 'click', target: { role: 'button', name: 'Add' } }], 3000);
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('did not answer') });
    expect(await page.frameLocator('#preview').locator('#list li').count()).toBe(1);
    await page.close();
  }, 30_000);
});
