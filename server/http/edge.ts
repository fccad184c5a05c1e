import 'server-only';
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { messageFor, type AppErrorCode } from '@/lib/errors';

// The checks every request and WebSocket upgrade passes before a route sees it. server/http/server.ts
// applies them in one place, so a new route cannot forget them.
// - Host: only the IDE's own names and preview hosts are served, anything else gets 421. A page on
//   evil.example whose name resolves to 127.0.0.1 (DNS rebinding) sends `Host: evil.example`.
// - Origin: a WebSocket to the IDE, and a state-changing request (anything but GET, HEAD, OPTIONS),
//   must come from an IDE page: its Origin is the IDE's own (missing or `null` is refused), or, for
//   HTTP without an Origin, `Sec-Fetch-Site: same-origin`. Previews are another origin, so preview
//   code cannot drive the IDE's API or sandbox socket as the user.
// - Bodies: refused with 413 when they declare more than a route's cap; routes that accept chunked
//   bodies count them as they stream (tRPC's maxBodySize). A refused request's connection is closed.

export interface EdgePolicy {
  /** Host names (lowercase, no port) the IDE answers to. */
  readonly ideHosts: ReadonlySet<string>;
  /** PUBLIC_URL's origin: trusted as an Origin even when a proxy rewrote the Host. */
  readonly publicOrigin?: string;
  /** A preview host (`<port>-<projectId>.<PREVIEW_DOMAIN>[:port]`), served by the preview proxy. */
  isPreviewHost(host: string): boolean;
}

export function edgePolicy(options: { allowedHosts: readonly string[]; publicUrl?: string; isPreviewHost: (host: string) => boolean }): EdgePolicy {
  const ideHosts = new Set(['localhost', '127.0.0.1', '[::1]', ...options.allowedHosts.map((h) => h.toLowerCase())]);
  const publicUrl = options.publicUrl ? new URL(options.publicUrl) : undefined;
  if (publicUrl) ideHosts.add(publicUrl.hostname);
  return { ideHosts, publicOrigin: publicUrl?.origin, isPreviewHost: options.isPreviewHost };
}

/** The name in a Host header (lowercase, port dropped), or undefined when the header is not a plain host[:port]. */
export function hostNameOf(host: string | undefined): string | undefined {
  const match = host ? /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i.exec(host) : null;
  return match?.[1]?.toLowerCase();
}

export type Site = 'ide' | 'preview';

export interface Refusal {
  status: number;
  code: AppErrorCode;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function siteOf(req: IncomingMessage, policy: EdgePolicy): Site | undefined {
  const name = hostNameOf(req.headers.host);
  if (!name) return undefined;
  if (policy.ideHosts.has(name)) return 'ide';
  return policy.isPreviewHost(req.headers.host!) ? 'preview' : undefined;
}

/** The request's Origin is the IDE's own: the origin of its (allowed) Host, or PUBLIC_URL's. */
export function isIdeOrigin(req: IncomingMessage, policy: EdgePolicy): boolean {
  const origin = req.headers.origin?.toLowerCase();
  if (!origin || origin === 'null') return false;
  if (origin === policy.publicOrigin) return true;
  const host = req.headers.host?.toLowerCase();
  return !!host && policy.ideHosts.has(hostNameOf(host) ?? '') && (origin === `http://${host}` || origin === `https://${host}`);
}

/** Where an HTTP request may go, or why it is refused. */
export function checkRequest(req: IncomingMessage, policy: EdgePolicy): { site: Site } | Refusal {
  const site = siteOf(req, policy);
  if (!site) return { status: 421, code: 'bad_request:host' };
  if (site === 'ide' && !SAFE_METHODS.has(req.method ?? 'GET')) {
    const sameOrigin = req.headers.origin === undefined ? req.headers['sec-fetch-site'] === 'same-origin' : isIdeOrigin(req, policy);
    if (!sameOrigin) return { status: 403, code: 'forbidden:origin' };
  }
  return { site };
}

/** Where a WebSocket upgrade may go, or why it is refused. A socket to the IDE needs the IDE's Origin. */
export function checkUpgrade(req: IncomingMessage, policy: EdgePolicy): { site: Site } | Refusal {
  const site = siteOf(req, policy);
  if (!site) return { status: 421, code: 'bad_request:host' };
  if (site === 'ide' && !isIdeOrigin(req, policy)) return { status: 403, code: 'forbidden:origin' };
  return { site };
}

/**
 * A body's refusal before any of it is read: more declared than `max` bytes (413), or a chunked body
 * where the route reads bodies whole and needs the length up front (411). With a declared length,
 * Node's parser never hands the route more than that.
 */
export function bodyRefusal(req: IncomingMessage, max: number, options: { chunked: boolean }): Refusal | undefined {
  const declared = req.headers['content-length'];
  if (declared !== undefined) return Number(declared) > max ? { status: 413, code: 'too_large:request' } : undefined;
  if (req.headers['transfer-encoding'] !== undefined && !options.chunked) return { status: 411, code: 'bad_request:request' };
  return undefined;
}

/** How long a refused connection still takes (and drops) what the client sends, so it can read the answer. */
const LINGER_MS = 2_000;

/**
 * After the response, a connection whose request body was not read to its end is closed: an endless body
 * is not read (or kept) any longer than it takes the client to see the answer.
 */
export function closeUnfinishedBodies(req: IncomingMessage, res: ServerResponse): void {
  res.once('finish', () => {
    if (req.complete) return;
    const socket = req.socket;
    socket.end();
    setTimeout(() => socket.destroy(), LINGER_MS).unref();
  });
}

function body(refusal: Refusal, detail?: string): string {
  return JSON.stringify({ error: { code: refusal.code, message: detail ?? messageFor(refusal.code) } });
}

export function refuse(res: ServerResponse, refusal: Refusal, detail?: string): void {
  const text = body(refusal, detail);
  res.writeHead(refusal.status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), connection: 'close' });
  res.end(text);
}

export function refuseUpgrade(socket: Duplex, refusal: Refusal): void {
  const text = body(refusal);
  const head = `HTTP/1.1 ${refusal.status} ${STATUS_CODES[refusal.status] ?? ''}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\nconnection: close\r\n\r\n`;
  socket.on('error', () => {});
  socket.end(head + text);
}
