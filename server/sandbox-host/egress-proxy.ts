import 'server-only';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { effectiveNetwork, networkPolicySchema } from '@/lib/project-settings';
import type { NetworkPolicy } from '@/lib/sandbox/types';
import { normalizeHost, parseAuthority, resolveTarget, type Lookup, type Target } from '@/server/sandbox-host/egress-address';
import { clientHelloNames } from '@/server/sandbox-host/egress-sni';

// The sandbox's only way out. A sandbox has its own network namespace with nothing but loopback; a socat
// inside listens on 127.0.0.1:3128 and forwards to a unix socket bound in from the server, where this
// proxy answers HTTP CONNECT (https, anything TLS) and plain forward requests (http://host/…).
//   allowlist: only the operator's hosts (the npm registry by default), to whatever address they resolve (a
//              mirror may be local); a forwarded request's Host header must name its target, and a tunnel's
//              TLS ClientHello must name the host the CONNECT named (no domain fronting on a shared CDN).
//   full: any host name or address, but never a loopback, private, link-local or other non-public one, in
//         any spelling and whatever a name resolves to (egress-address.ts), so a sandbox can never reach the
//         IDE itself, its database, the host's local network or a cloud metadata service.
//   off: no proxy at all (no socket is bound into the sandbox).
// The project's setting is asked again for every connection (`ceiling`), and connections opened under a
// more open policy are cut when it is lowered: a downgrade applies at once to running processes too.

export interface EgressPolicy {
  policy: Exclude<NetworkPolicy, 'off'>;
  allowlist: string[];
  /** "host" or "host:port" → "address" or "address:port": tests map names onto loopback servers. */
  overrides?: Record<string, string>;
  /** The project's current network setting: what this proxy lets through never exceeds it. */
  ceiling?: () => Promise<NetworkPolicy>;
  /** Name resolution (tests); the system resolver otherwise. */
  lookup?: Lookup;
}

/** While connections are open, how often the project's setting is read again to cut those it no longer allows. */
export const RECHECK_MS = 2000;
const RANK: Record<NetworkPolicy, number> = { off: 0, allowlist: 1, full: 2 };

export function hostAllowed(host: string, allowlist: string[]): boolean {
  const name = host.toLowerCase().replace(/\.$/, '');
  return allowlist.some((entry) => (entry.startsWith('*.') ? name.endsWith(entry.slice(1)) : name === entry));
}

type Decision =
  | { ok: true; address: string; port: number; effective: NetworkPolicy }
  | { ok: false; status: number; message: string };

async function currentPolicy(policy: EgressPolicy): Promise<NetworkPolicy | undefined> {
  if (!policy.ceiling) return policy.policy;
  try {
    // Parsed: a stored value this code does not know must close the network, not count as open.
    return effectiveNetwork(policy.policy, networkPolicySchema.parse(await policy.ceiling()));
  } catch {
    return undefined;
  }
}

async function decide(target: Target, policy: EgressPolicy): Promise<Decision> {
  const effective = await currentPolicy(policy);
  if (!effective) return { ok: false, status: 503, message: "The project's network setting could not be read; try again." };
  if (effective === 'off') return { ok: false, status: 403, message: "This project's network is off." };
  if (effective === 'allowlist' && !hostAllowed(target.host, policy.allowlist)) {
    return { ok: false, status: 403, message: `${target.host} is not on this sandbox's network allowlist (${policy.allowlist.join(', ') || 'empty'}).` };
  }
  const override = policy.overrides?.[`${target.host}:${target.port}`] ?? policy.overrides?.[target.host];
  if (override) {
    const [address = '', overridePort] = override.split(/:(?=\d+$)/);
    return { ok: true, address, port: overridePort ? Number(overridePort) : target.port, effective };
  }
  const resolved = await resolveTarget(target, { publicOnly: effective === 'full', lookup: policy.lookup });
  return resolved.ok ? { ok: true, address: resolved.address, port: target.port, effective } : resolved;
}

export interface EgressProxy {
  socketPath: string;
  close(): Promise<void>;
}

/** Starts a proxy on a unix socket (mode 0666: the sandbox's uid connects to it through its bind mount). */
export async function startEgressProxy(socketPath: string, policy: EgressPolicy): Promise<EgressProxy> {
  const sockets = new Set<net.Socket>();
  // Client sockets whose traffic was let through, with the policy it was let through under.
  const opened = new Map<net.Socket, NetworkPolicy>();
  let recheck: NodeJS.Timeout | undefined;
  const cutDowngraded = async () => {
    if (opened.size === 0) {
      clearInterval(recheck);
      recheck = undefined;
      return;
    }
    const now = (await currentPolicy(policy)) ?? 'off';
    for (const [socket, allowedUnder] of opened) if (RANK[allowedUnder] > RANK[now]) socket.destroy();
  };
  const track = (socket: net.Socket, effective: NetworkPolicy) => {
    if (!policy.ceiling) return;
    if (!opened.has(socket)) socket.once('close', () => opened.delete(socket));
    opened.set(socket, effective);
    recheck ??= setInterval(() => void cutDowngraded(), RECHECK_MS).unref();
  };
  const refuse = (res: http.ServerResponse, status: number, message: string) =>
    res.writeHead(status, { 'content-type': 'text/plain' }).end(`${message}\n`);

  const server = http.createServer(async (req, res) => {
    // Forward proxying: an absolute URL in the request line.
    let url: URL;
    try {
      url = new URL(req.url ?? '');
    } catch {
      return refuse(res, 400, 'This is a proxy: send absolute URLs or CONNECT.');
    }
    if (url.protocol !== 'http:') return refuse(res, 400, 'Only http:// is forwarded; use CONNECT for TLS.');
    const target = normalizeHost(url.hostname, Number(url.port || 80));
    if (!target) return refuse(res, 400, 'That host is not a valid name or address.');
    // The upstream picks the site by Host: one naming another host than the URL would reach past the checks.
    const named = parseAuthority(req.headers.host ?? '', 80);
    if (named?.host !== target.host || named.port !== target.port) {
      return refuse(res, 403, `The Host header must name the URL's host (${target.host}).`);
    }
    const decision = await decide(target, policy);
    if (!decision.ok) return refuse(res, decision.status, decision.message);
    track(req.socket, decision.effective);
    const headers = { ...req.headers };
    delete headers['proxy-connection'];
    delete headers['proxy-authorization'];
    const upstream = http.request(
      { host: decision.address, port: decision.port, method: req.method, path: url.pathname + url.search, headers, setHost: false },
      (upstreamRes) => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    upstream.on('error', (error) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`${error.message}\n`);
    });
    res.on('close', () => {
      if (!res.writableFinished) upstream.destroy(); // the sandbox hung up mid-response
    });
    req.pipe(upstream);
  });

  server.on('connect', async (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    client.on('error', () => {});
    const target = parseAuthority(req.url ?? '', 443);
    if (!target) {
      client.end('HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\n\r\nCONNECT needs host:port.\n');
      return;
    }
    const decision = await decide(target, policy);
    if (!decision.ok) {
      client.end(`HTTP/1.1 ${decision.status} Forbidden\r\ncontent-type: text/plain\r\n\r\n${decision.message}\n`);
      return;
    }
    if (client.destroyed) return; // gone while we looked the name up
    let established = false;
    const upstream = net.connect(decision.port, decision.address, async () => {
      established = true;
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) client.unshift(head);
      if (decision.effective === 'allowlist' && !(await clientHelloNames(client, target.host))) {
        client.destroy();
        upstream.destroy();
        return;
      }
      track(client, decision.effective);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => (established ? client.destroy() : client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n')));
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
        clearInterval(recheck);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        fs.rmSync(socketPath, { force: true });
      }),
  };
}
