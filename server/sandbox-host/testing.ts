import 'server-only';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import WS from 'ws';
import { insertProject } from '@/db/queries/projects';
import { ensureUser } from '@/db/queries/users';
import { projectMember } from '@/db/schema';
import { createTestDb, type TestDb } from '@/db/testing';
import type { WebSocketConstructor } from '@/lib/sandbox/host-client/client';
import { encodeSession, newUserId, SESSION_COOKIE } from '@/server/auth/session';
import type { SandboxHostConfig } from '@/server/sandbox-host/config';
import { edgePolicy } from '@/server/http/edge';
import { createIdeServer } from '@/server/http/server';
import { createSandboxHost, type SandboxHost } from '@/server/sandbox-host/http';
import { parsePreviewHost } from '@/server/sandbox-host/preview-proxy';

// A real HTTP server with the sandbox WebSocket and the preview proxy (no Next), a fresh database with a
// project and users in each role, and `ws` constructors that carry each user's session cookie.

export const TEST_PREVIEW_DOMAIN = 'preview.localhost';

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
  /** GET through the preview proxy: connects to the server, sends the preview Host. */
  fetchPreview(url: string): Promise<{ status: number; body: string; headers: Record<string, string> }>;
  /** Opens a WebSocket on a preview URL through the proxy, sends a text, resolves with the first reply. */
  echoPreviewSocket(url: string, message: string): Promise<string>;
  close(): Promise<void>;
}

export async function startSandboxTestServer(config: Partial<SandboxHostConfig> = {}): Promise<SandboxTestServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-sandbox-test-'));
  const testDb = await createTestDb();
  const db = testDb.db;
  const ids = { owner: newUserId(), editor: newUserId(), viewer: newUserId(), stranger: newUserId() };
  for (const id of Object.values(ids)) await ensureUser(db, id);
  const newProject = async () => (await insertProject(db, { ownerId: ids.owner, title: 'sandbox test', template: null })).id;
  const projectId = await newProject();
  await db.insert(projectMember).values([
    { projectId, userId: ids.editor, role: 'editor' },
    { projectId, userId: ids.viewer, role: 'viewer' },
  ]);

  const host = createSandboxHost({ getDb: async () => db, dataDir, previewDomain: TEST_PREVIEW_DOMAIN, config });
  // The IDE's own server and edge checks, with no Next and no API behind them.
  const server = createIdeServer({
    policy: edgePolicy({ allowedHosts: [], isPreviewHost: (h) => parsePreviewHost(h, TEST_PREVIEW_DOMAIN) !== undefined }),
    sandboxHost: host,
    trpc: async (_req, res) => void res.writeHead(404).end(),
    trpcMaxBodyBytes: 1024,
    agentTurn: (_req, res) => void res.writeHead(404).end(),
    next: (_req, res) => void res.writeHead(404).end(),
    nextUpgrade: (_req, socket) => void socket.destroy(),
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const baseUrl = `http://localhost:${port}`;

  const socketFor = (role: keyof typeof ids | 'anonymous', options: { origin?: string } = {}): WebSocketConstructor => {
    const headers = role === 'anonymous' ? {} : { cookie: `${SESSION_COOKIE}=${encodeSession(ids[role])}; other=1` };
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
    fetchPreview: (url) =>
      new Promise((resolve, reject) => {
        const { host: hostHeader, path: p } = previewTarget(url);
        const req = http.get({ host: '127.0.0.1', port, path: p, headers: { host: hostHeader, cookie: `${SESSION_COOKIE}=secret` } }, (res) => {
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
        const ws = new WS(`ws://127.0.0.1:${port}${p}`, { headers: { host: hostHeader } });
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
