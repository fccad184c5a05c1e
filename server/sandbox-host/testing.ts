import 'server-only';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WS from 'ws';
import { insertProject } from '@/db/queries/projects';
import { ensureUser } from '@/db/queries/users';
import { projectMember } from '@/db/schema';
import { createTestDb, type TestDb } from '@/db/testing';
import type { WebSocketConstructor } from '@/lib/sandbox/host-client/client';
import { PREVIEW_COOKIE, previewCookieValue } from '@/server/auth/preview-ticket';
import { sessionCookieFor } from '@/server/auth/request-user';
import { newUserId, SESSION_COOKIE } from '@/server/auth/session';
import type { SandboxHostConfig } from '@/server/sandbox-host/config';
import { edgePolicy } from '@/server/http/edge';
import { createIdeServer } from '@/server/http/server';
import { createSandboxHost, type SandboxHost } from '@/server/sandbox-host/http';
import { parsePreviewHost } from '@/server/sandbox-host/preview-proxy';

// A real HTTP server with the sandbox WebSocket and the preview proxy (no Next), a fresh database with a
// project and users in each role, and `ws` constructors that carry each user's session cookie.

export const TEST_PREVIEW_DOMAIN = 'preview.localhost';

/** Spellings of the host's own loopback (or "this host") that a dual-stack server on :: answers when let through. */
export const LOOPBACK_SPELLINGS = [
  '127.0.0.1', '2130706433', '0x7f000001', '0177.0.0.1', '127.1', '0x7f.1', '0x7f.0.0.1', '127.0.0.1.',
  '[::1]', '[0:0:0:0:0:0:0:1]', '[::ffff:127.0.0.1]', '[::ffff:7f00:1]', '[0::ffff:127.0.0.1]', '[::]', '0.0.0.0', '0',
];

/**
 * Spellings of non-public addresses a sandbox might write as a CONNECT target or a URL's host: loopback,
 * unspecified, link-local (the cloud metadata service), private, carrier-grade NAT, unique-local, multicast,
 * reserved, in short, long, octal, hex, IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo and zone-id forms.
 */
export const NON_PUBLIC_SPELLINGS = [
  ...LOOPBACK_SPELLINGS,
  '%31%32%37.0.0.1', '0X7F000001', '[::ffff:0:7f00:1]', '[::7f00:1]', '[::127.0.0.1]', '[64:ff9b::7f00:1]', '[2002:7f00:1::]', '[2001::1]',
  '[fe80::1%25lo]', '[fe80::1]', '[ff02::1]',
  '169.254.169.254', '[::ffff:a9fe:a9fe]', '[::ffff:169.254.169.254]', '2852039166', '0xa9fea9fe',
  '10.0.0.1', '012.0.0.1', '172.16.0.1', '192.168.1.1', '100.64.0.1', '[fc00::1]', '[fd12:3456::1]',
  '224.0.0.1', '255.255.255.255', '192.0.2.1',
];

export interface SandboxTestServer {
  baseUrl: string;
  port: number;
  host: SandboxHost;
  testDb: TestDb;
  dataDir: string;
  projectId: string;
  userIds: { owner: string; editor: string; viewer: string; stranger: string };
  /** Creates another project owned by the owner. */
  newProject(): Promise<string>;
  /** A `ws` constructor carrying the role's session cookie and an Origin header (the IDE's own unless given). */
  socketFor(role: 'owner' | 'editor' | 'viewer' | 'stranger' | 'anonymous', options?: { origin?: string }): WebSocketConstructor;
  /**
   * GET through the preview proxy: connects to the server, sends the preview Host and, unless `cookie`
   * says otherwise, a valid preview cookie for that origin plus an IDE session cookie (both must be stripped).
   */
  fetchPreview(url: string, options?: { cookie?: string }): Promise<{ status: number; body: string; headers: Record<string, string> }>;
  /** Opens a WebSocket on a preview URL through the proxy (with a valid preview cookie), sends a text, resolves with the first reply. */
  echoPreviewSocket(url: string, message: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSandboxTestServer(config: Partial<SandboxHostConfig> = {}): Promise<SandboxTestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-sandbox-test-'));
  const testDb = await createTestDb();
  const db = testDb.db;
  const ids = { owner: newUserId(), editor: newUserId(), viewer: newUserId(), stranger: newUserId() };
  for (const id of Object.values(ids)) await ensureUser(db, id);
  const cookies = Object.fromEntries(
    await Promise.all(Object.entries(ids).map(async ([role, id]) => [role, await sessionCookieFor(db, id)] as const)),
  ) as Record<keyof typeof ids, string>;
  const newProject = async () => (await insertProject(db, { ownerId: ids.owner, title: 'sandbox test', template: null })).id;
  const projectId = await newProject();
  await db.insert(projectMember).values([
    { projectId, userId: ids.editor, role: 'editor' },
    { projectId, userId: ids.viewer, role: 'viewer' },
  ]);

  const host = createSandboxHost({ getDb: async () => db, sandboxDir: dataDir, previewDomain: TEST_PREVIEW_DOMAIN, config });
  // The IDE's own server and edge checks, with no Next and no API behind them.
  const server = createIdeServer({
    policy: edgePolicy({ allowedHosts: [], isPreviewHost: (h) => parsePreviewHost(h, TEST_PREVIEW_DOMAIN) !== undefined }),
    sandboxHost: host,
    trpc: (_req, res) => void res.writeHead(404).end(),
    trpcMaxBodyBytes: 1024,
    next: (_req, res) => void res.writeHead(404).end(),
    nextUpgrade: (_req, socket) => void socket.destroy(),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://localhost:${port}`;

  const socketFor = (role: keyof typeof ids | 'anonymous', options: { origin?: string } = {}): WebSocketConstructor => {
    const headers = role === 'anonymous' ? {} : { cookie: `${cookies[role]}; other=1` };
    return class extends WS {
      constructor(url: string) {
        super(url, { headers, origin: options.origin ?? baseUrl });
        // As in a browser, a refused handshake is an error event and a close (1006), never a throw.
        this.on('error', () => {});
      }
    } as unknown as WebSocketConstructor;
  };

  const previewTarget = (url: string) => {
    const u = new URL(url);
    return { host: u.host, path: u.pathname + u.search };
  };
  /** The owner's preview cookie for the URL's origin (what the entry gives the owner). */
  const admittedCookie = (url: string) => {
    const target = parsePreviewHost(new URL(url).host, TEST_PREVIEW_DOMAIN);
    return target ? `${PREVIEW_COOKIE}=${previewCookieValue(target, ids.owner)}` : '';
  };

  return {
    baseUrl,
    port,
    host,
    testDb,
    dataDir,
    projectId,
    userIds: ids,
    newProject,
    socketFor,
    fetchPreview: (url, options = {}) =>
      new Promise((resolve, reject) => {
        const { host: hostHeader, path: p } = previewTarget(url);
        const cookie = options.cookie ?? `${SESSION_COOKIE}=secret; ${admittedCookie(url)}`;
        const req = http.get({ host: '127.0.0.1', port, path: p, headers: { host: hostHeader, ...(cookie ? { cookie } : {}) } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers as Record<string, string> }));
        });
        req.on('error', reject);
      }),
    echoPreviewSocket: (url, message) =>
      new Promise((resolve, reject) => {
        const { host: hostHeader, path: p } = previewTarget(url);
        const ws = new WS(`ws://127.0.0.1:${port}${p}`, { headers: { host: hostHeader, cookie: admittedCookie(url) } });
        const timer = setTimeout(() => reject(new Error('no reply on the preview socket')), 10_000);
        ws.on('open', () => ws.send(message));
        ws.on('message', (data) => {
          clearTimeout(timer);
          resolve(String(data));
          ws.close();
        });
        ws.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      }),
    async close() {
      await host.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await testDb.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sends CONNECT; resolves with the status line and the socket (open when the tunnel was established). */
export function openTunnel(socketPath: string, target: string) {
  return new Promise<{ line: string; socket: net.Socket }>((resolve) => {
    const socket = net.connect(socketPath, () => socket.write(`CONNECT ${target} HTTP/1.1\r\nhost: ${target}\r\n\r\n`));
    let text = '';
    const onData = (d: Buffer) => {
      text += d.toString('latin1');
      if (!text.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      resolve({ line: text.split('\r\n')[0]!, socket });
    };
    socket.on('data', onData);
    socket.on('close', () => resolve({ line: text.split('\r\n')[0] ?? '', socket }));
  });
}

/** Host processes of a sandbox uid still alive (zombies, which run nothing, left out). */
export function processesOf(uid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        return fs.statSync(`/proc/${pid}`).uid === uid && !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    })
    .map(Number);
}
