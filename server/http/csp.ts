import 'server-only';

// The content security policy of every page, with a fresh nonce per request (proxy.ts). Scripts run only
// with the nonce, which Next puts on its own tags; 'strict-dynamic' lets those load more (chunks, Monaco's
// loader and workers), while injected markup cannot run anything. Sockets and fetches reach our own
// origin (http and ws), preview origins, and WebContainer's hosts.

/** WebContainer's runtime (an iframe of stackblitz.com) and its preview hosts. */
const WEBCONTAINER_CONNECT = ['https://*.stackblitz.com', 'https://*.webcontainer-api.io', 'wss://*.webcontainer-api.io'];
const WEBCONTAINER_FRAME = ['https://*.stackblitz.com', 'https://*.webcontainer-api.io', 'https://*.webcontainer.io'];

export interface CspOptions {
  nonce: string;
  /** Development: React needs eval for its debugging aids. */
  dev: boolean;
  /** The page's Host (checked by the edge before Next sees the request): its sockets go there. */
  host: string;
  /** Previews: `<port>-<projectId>.<previewDomain>`. */
  previewDomain: string;
}

/** 16 random bytes, base64: unguessable and new for every page. */
export function newNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

export function contentSecurityPolicy({ nonce, dev, host, previewDomain }: CspOptions): string {
  // A scheme-less source matches the page's scheme and its secure upgrade (http → https too).
  const previews = `*.${previewDomain}:*`;
  // Our own sockets (the sandbox's): the edge has checked the Host; checked again, it cannot add a directive.
  const own = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i.test(host) ? `ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ''}`,
    // Monaco and React set styles at run time; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    `img-src 'self' data: blob: ${previews}`,
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self' ${own} ${previews} ${WEBCONTAINER_CONNECT.join(' ')}`,
    `frame-src 'self' ${previews} ${WEBCONTAINER_FRAME.join(' ')}`,
    "frame-ancestors 'self'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join('; ');
}
