import 'server-only';
import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import net from 'node:net';
import type { Duplex } from 'node:stream';
import type { Db } from '@/db/client';
import { mayPreview } from '@/server/access';
import { PREVIEW_BRIDGE_SCRIPT, PREVIEW_ENTRY_PATH } from '@/lib/stores/preview';
import {
  PREVIEW_COOKIE,
  previewCookieHeader,
  previewCookieValue,
  verifyPreviewCookie,
  verifyPreviewTicket,
  type PreviewTarget,
} from '@/server/auth/preview-ticket';
import { readCookie, SESSION_COOKIE } from '@/server/auth/session';
import { CAPTURE_SCRIPT_PATH as CAPTURE_PATH } from '@/lib/design/protocol';
import { captureScriptFor, sendCaptureScript } from '@/server/design/capture-bundle';
import type { SandboxManager } from '@/server/sandbox-host/manager';

// Dev servers inside host sandboxes, on their own origin: http://<port>-<projectId>.<previewDomain>:<PORT>/.
// A different origin from the IDE, so preview code can never read the IDE's cookies or call its API as
// the user. HTTP and WebSocket upgrades (Vite HMR) pass through to the sandbox over a unix socket.
// Responses may be embedded by the cross-origin-isolated IDE page (COEP credentialless, CORP
// cross-origin); HTML gets <script src="/__ide/bridge.js"> right after <head> (CSP-friendly: same origin),
// and, when the IDE's origin is known, <script src="/__ide/capture.js"> (screenshots for the design
// loop, answered to that origin only: lib/design/capture-script.ts).
// Who may view: a browser that came through PREVIEW_ENTRY_PATH with a ticket from the IDE (someone with a
// role on the project) and holds the preview cookie it set (server/auth/preview-ticket.ts); else 403.

export const BRIDGE_PATH = '/__ide/bridge.js';
export { CAPTURE_PATH };
const MAX_HTML = 8 * 1024 * 1024;

export function parsePreviewHost(host: string | undefined, domain: string): { port: number; projectId: string } | undefined {
  if (!host) return undefined;
  const name = host.toLowerCase().replace(/:\d+$/, '');
  const suffix = `.${domain}`;
  if (!name.endsWith(suffix)) return undefined;
  const match = /^(\d{1,5})-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(name.slice(0, -suffix.length));
  if (!match) return undefined;
  const port = Number(match[1]);
  return port > 0 && port < 65536 ? { port, projectId: match[2]! } : undefined;
}

export function previewUrlFor(options: { domain: string; port: number; projectId: string; host?: string; secure?: boolean }): string {
  const hostPort = /:(\d+)$/.exec(options.host ?? '')?.[1];
  return `${options.secure ? 'https' : 'http'}://${options.port}-${options.projectId}.${options.domain}${hostPort ? `:${hostPort}` : ''}/`;
}

/** The request's headers minus our cookies (the dev server is the project's code) and hop-by-hop proxy headers. */
function forwardHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = { ...headers };
  if (typeof out.cookie === 'string') {
    const kept = out.cookie
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c && !c.startsWith(`${SESSION_COOKIE}=`) && !c.startsWith(`${PREVIEW_COOKIE}=`));
    if (kept.length > 0) out.cookie = kept.join('; ');
    else delete out.cookie;
  }
  delete out['proxy-connection'];
  return out;
}

const isolationHeaders = {
  'cross-origin-embedder-policy': 'credentialless',
  'cross-origin-resource-policy': 'cross-origin',
};

export function injectBridge(html: string, options: { capture?: boolean } = {}): string {
  const tag = `<script src="${BRIDGE_PATH}"></script>` + (options.capture ? `<script src="${CAPTURE_PATH}"></script>` : '');
  const head = /<head(\s[^>]*)?>/i.exec(html);
  if (head) return html.slice(0, head.index + head[0].length) + tag + html.slice(head.index + head[0].length);
  return tag + html;
}

const FORBIDDEN_PAGE = `<!doctype html><meta charset="utf-8"><title>Preview not available</title>
<body style="font:14px system-ui,sans-serif;margin:2rem;color:#3f3f46"><h1 style="font-size:1.1rem">This preview is private</h1>
<p>Open it from its project in the IDE: the preview panel lets you in (press its reload button if this page stays).</p></body>`;

function forbidden(res: ServerResponse): void {
  res.writeHead(403, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', ...isolationHeaders }).end(FORBIDDEN_PAGE);
}

/** Where to go after the entry: a path on the preview's own origin, never another host. */
function entryDestination(to: string | null): string {
  return to && to.length <= 4096 && /^\/(?![/\\])/.test(to) ? to : '/';
}

export function createPreviewProxy(options: { manager: SandboxManager; domain: string; getDb: () => Promise<Db>; ideOrigin?: string }) {
  const { ideOrigin } = options;
  /** PREVIEW_ENTRY_PATH?ticket=…&to=/path: checks the ticket and the user's role, sets the preview cookie, goes to `to`. */
  async function enter(req: IncomingMessage, res: ServerResponse, target: PreviewTarget, url: URL): Promise<void> {
    const userId = verifyPreviewTicket(url.searchParams.get('ticket'), target);
    if (!userId || !(await mayPreview(await options.getDb(), target.projectId, userId))) return forbidden(res);
    const https = req.headers['x-forwarded-proto'] === 'https' || 'encrypted' in req.socket;
    res
      .writeHead(303, {
        location: entryDestination(url.searchParams.get('to')),
        'set-cookie': previewCookieHeader(previewCookieValue(target, userId), req.headers.host ?? '', https),
        'cache-control': 'no-store',
        'referrer-policy': 'no-referrer',
        ...isolationHeaders,
      })
      .end();
  }

  /**
   * The origin's cookie names its user; the access policy is asked again on every request, so a member
   * removed, a role gone or a share link revoked stops the preview at its next request.
   */
  const admitted = async (req: IncomingMessage, target: PreviewTarget) => {
    const userId = verifyPreviewCookie(readCookie(req.headers.cookie, PREVIEW_COOKIE), target);
    if (!userId) return false;
    return options
      .getDb()
      .then((db) => mayPreview(db, target.projectId, userId))
      .catch((error: unknown) => {
        console.error('preview access check failed:', error);
        return false;
      });
  };

  async function socketFor(host: string | undefined): Promise<{ socket?: string; error?: string; target?: { port: number; projectId: string } }> {
    const target = parsePreviewHost(host, options.domain);
    if (!target) return {};
    const workspace = options.manager.peek(target.projectId);
    if (!workspace) return { target, error: 'No sandbox is running for this project. Open the project in the IDE first.' };
    const socket = await workspace.previewSocket(target.port).catch(() => undefined);
    if (!socket) return { target, error: `Nothing is listening on port ${target.port} in this project's sandbox.` };
    return { target, socket };
  }

  /** Handles the request when its Host is a preview host; returns false otherwise. */
  function handleRequest(req: IncomingMessage, res: ServerResponse): boolean {
    const target = parsePreviewHost(req.headers.host, options.domain);
    if (!target) return false;
    if (req.url === BRIDGE_PATH) {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', ...isolationHeaders });
      res.end(PREVIEW_BRIDGE_SCRIPT);
      return true;
    }
    if (req.url === CAPTURE_PATH && ideOrigin) {
      sendCaptureScript(res, captureScriptFor(ideOrigin), isolationHeaders);
      return true;
    }
    const url = new URL(req.url ?? '/', 'http://preview.invalid');
    if (url.pathname === PREVIEW_ENTRY_PATH) {
      enter(req, res, target, url).catch((error: unknown) => {
        console.error('preview entry failed:', error);
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...isolationHeaders });
        res.end('The server could not check your access.\n');
      });
      return true;
    }
    void (async () => {
      if (!(await admitted(req, target))) return { admitted: false as const };
      return { admitted: true as const, ...(await socketFor(req.headers.host)) };
    })().then((result) => {
      if (!result.admitted) return forbidden(res);
      const { socket, error } = result;
      if (!socket) {
        res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', ...isolationHeaders }).end(`${error}\n`);
        return;
      }
      const headers = forwardHeaders(req.headers);
      // Plain bodies, so HTML can be rewritten (loopback traffic: compression buys nothing).
      headers['accept-encoding'] = 'identity';
      const upstream = http.request({ socketPath: socket, method: req.method, path: req.url, headers }, (up) => {
        const outHeaders: Record<string, string | string[] | number> = {};
        for (const [k, v] of Object.entries(up.headers)) if (v !== undefined) outHeaders[k] = v;
        Object.assign(outHeaders, isolationHeaders);
        const isHtml = /^text\/html/i.test(String(up.headers['content-type'] ?? '')) && req.method !== 'HEAD';
        if (!isHtml) {
          res.writeHead(up.statusCode ?? 502, outHeaders);
          up.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        up.on('data', (c: Buffer) => {
          size += c.length;
          if (size <= MAX_HTML) chunks.push(c);
        });
        up.on('end', () => {
          const body = size <= MAX_HTML ? Buffer.from(injectBridge(Buffer.concat(chunks).toString('utf8'), { capture: !!ideOrigin })) : Buffer.concat(chunks);
          delete outHeaders['content-length'];
          delete outHeaders['transfer-encoding'];
          outHeaders['content-length'] = body.length;
          res.writeHead(up.statusCode ?? 502, outHeaders);
          res.end(body);
        });
      });
      upstream.on('error', (err) => {
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8', ...isolationHeaders });
        res.end(`The dev server did not answer: ${err.message}\n`);
      });
      req.pipe(upstream);
    });
    return true;
  }

  /** WebSocket upgrades on a preview host (Vite's HMR socket): spliced through to the dev server. */
  function handleUpgrade(req: IncomingMessage, client: Duplex, head: Buffer): boolean {
    const target = parsePreviewHost(req.headers.host, options.domain);
    if (!target) return false;
    client.on('error', () => {});
    void (async () => ((await admitted(req, target)) ? { admitted: true as const, ...(await socketFor(req.headers.host)) } : { admitted: false as const }))().then((result) => {
      if (!result.admitted) {
        client.end('HTTP/1.1 403 Forbidden\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const { socket } = result;
      if (!socket) {
        client.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n');
        return;
      }
      const upstream = net.connect(socket, () => {
        const headers = forwardHeaders(req.headers);
        const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`];
        for (const [k, v] of Object.entries(headers)) {
          for (const value of Array.isArray(v) ? v : [v]) if (value !== undefined) lines.push(`${k}: ${value}`);
        }
        upstream.write(`${lines.join('\r\n')}\r\n\r\n`);
        if (head.length) upstream.write(head);
        upstream.pipe(client);
        client.pipe(upstream);
      });
      upstream.on('error', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    return true;
  }

  return { handleRequest, handleUpgrade };
}
