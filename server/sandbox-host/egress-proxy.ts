import 'server-only';
import { lookup } from 'node:dns/promises';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import type { NetworkPolicy } from '@/lib/sandbox/types';

// The sandbox's only way out. A sandbox has its own network namespace with nothing but loopback; a socat
// inside listens on 127.0.0.1:3128 and forwards to a unix socket bound in from the server, where this
// proxy answers HTTP CONNECT (https, anything TLS) and plain forward requests (http://host/…).
//   allowlist: only the operator's hosts (the npm registry by default), to whatever address they resolve.
//   full: any host name or address, except loopback, private, link-local and other non-public ranges,
//         so a sandbox can never reach the IDE itself, its database or the host's local network.
//   off: no proxy at all (no socket is bound into the sandbox).

export interface EgressPolicy {
  policy: Exclude<NetworkPolicy, 'off'>;
  allowlist: string[];
  /** "host" or "host:port" → "address" or "address:port": tests map names onto loopback servers. */
  overrides?: Record<string, string>;
}

export function hostAllowed(host: string, allowlist: string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowlist.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) : name === entry));
}

/** Addresses a 'full' sandbox may not reach: everything that is not the public internet. */
export function isNonPublicAddress(address: string): boolean {
  if (net.isIPv6(address)) {
    const a = address.toLowerCase();
    if (a.startsWith('::ffff:')) return isNonPublicAddress(a.slice(7));
    return a === '::' || a === '::1' || /^f[cd]/.test(a) || /^fe[89ab]/.test(a) || a.startsWith('ff');
  }
  const parts = address.split('.').map(Number);
  const [a = 0, b = 0] = parts;
  return (
    a === 0 ||
    a === 10 ||
    a === 127 ||
    (a === 100 && b >= 64 && b <= 127) ||
    (a === 169 && b === 254) ||
    (a === 172 && b >= 16 && b <= 31) ||
    (a === 192 && b === 168) ||
    a >= 224
  );
}

type Decision = { ok: true; address: string; port: number } | { ok: false; status: number; message: string };

async function decide(host: string, port: number, policy: EgressPolicy): Promise<Decision> {
  const name = host.replace(/^\[|\]$/g, '').toLowerCase();
  const override = policy.overrides?.[`${name}:${port}`] ?? policy.overrides?.[name];
  if (policy.policy === 'allowlist' && !hostAllowed(name, policy.allowlist)) {
    return { ok: false, status: 403, message: `${name} is not on this sandbox's network allowlist (${policy.allowlist.join(', ') || 'empty'}).` };
  }
  if (override) {
    const [address = '', overridePort] = override.split(/:(?=\d+$)/);
    return { ok: true, address, port: overridePort ? Number(overridePort) : port };
  }
  let address: string;
  try {
    address = net.isIP(name) ? name : (await lookup(name)).address;
  } catch {
    return { ok: false, status: 502, message: `Cannot resolve ${name}.` };
  }
  if (policy.policy === 'full' && isNonPublicAddress(address)) {
    return { ok: false, status: 403, message: `${name} (${address}) is a local or private address; sandboxes cannot reach it.` };
  }
  return { ok: true, address, port };
}

function splitHostPort(value: string, defaultPort: number): { host: string; port: number } | undefined {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(value);
  if (!match?.[1]) return undefined;
  const port = match[2] ? Number(match[2]) : defaultPort;
  if (!(port > 0 && port < 65536)) return undefined;
  return { host: match[1], port };
}

export interface EgressProxy {
  socketPath: string;
  close(): Promise<void>;
}

/** Starts a proxy on a unix socket (mode 0666: the sandbox's uid connects to it through its bind mount). */
export async function startEgressProxy(socketPath: string, policy: EgressPolicy): Promise<EgressProxy> {
  const sockets = new Set<net.Socket>();
  const server = http.createServer(async (req, res) => {
    // Forward proxying: an absolute URL in the request line.
    let target: URL;
    try {
      target = new URL(req.url ?? '');
    } catch {
      res.writeHead(400).end('This is a proxy: send absolute URLs or CONNECT.\n');
      return;
    }
    if (target.protocol !== 'http:') {
      res.writeHead(400).end('Only http:// is forwarded; use CONNECT for TLS.\n');
      return;
    }
    const decision = await decide(target.hostname, Number(target.port || 80), policy);
    if (!decision.ok) {
      res.writeHead(decision.status, { 'content-type': 'text/plain' }).end(`${decision.message}\n`);
      return;
    }
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request(
      { host: decision.address, port: decision.port, method: req.method, path: target.pathname + target.search, headers, setHost: false },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`${error.message}\n`);
    });
    req.pipe(upstream);
  });

  server.on('connect', async (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on('error', () => {});
    const parsed = splitHostPort(req.url ?? '', 443);
    if (!parsed) {
      client.end('HTTP/1.1 400 Bad Request\r\n\r\n');
      return;
    }
    const decision = await decide(parsed.host, parsed.port, policy);
    if (!decision.ok) {
      client.end(`HTTP/1.1 ${decision.status} Forbidden\r\ncontent-type: text/plain\r\n\r\n${decision.message}\n`);
      return;
    }
    const upstream = net.connect(decision.port, decision.address, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    client.on('close', () => upstream.destroy());
  });
  server.on('connection', (socket: net.Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  fs.rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  fs.chmodSync(socketPath, 0o666);
  return {
    socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}
