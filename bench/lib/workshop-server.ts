// The IDE's server without Next for bench:workshop, in a process of its own (so its CPU and memory are
// its own): PGlite on disk, the host sandbox, the tRPC listener, behind the same edge checks as
// server/main.ts. Prints "READY <port>" when listening.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createDb } from '@/db/client';
import { createTrpcListener, MAX_TRPC_BODY_BYTES } from '@/server/api/http';
import { edgePolicy } from '@/server/http/edge';
import { createIdeServer } from '@/server/http/server';
import { createSandboxHost } from '@/server/sandbox-host/http';
import { parsePreviewHost } from '@/server/sandbox-host/preview-proxy';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-bench-workshop-'));
const { db, close } = await createDb({ kind: 'pglite', dataDir: path.join(dir, 'pglite') });
const getDb = async () => db;
const domain = 'preview.localhost';
const sandboxDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ide-bench-sandboxes-'));
const host = createSandboxHost({ getDb, sandboxDir, previewDomain: domain });
const server = createIdeServer({
  policy: edgePolicy({ allowedHosts: [], isPreviewHost: (h) => parsePreviewHost(h, domain) !== undefined }),
  sandboxHost: host,
  trpc: createTrpcListener({ getDb }),
  trpcMaxBodyBytes: MAX_TRPC_BODY_BYTES,
  next: (_req, res) => void res.writeHead(404).end(),
  nextUpgrade: (_req, socket) => void socket.destroy(),
});
// How long the event loop was held up (PGlite's queries and process spawns run on it): printed at the end.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();
server.listen(0, '127.0.0.1', () => console.log(`READY ${(server.address() as AddressInfo).port}`));

const stop = async () => {
  loopDelay.disable();
  console.log(`STATS ${JSON.stringify({ eventLoopDelayP99Ms: Math.round(loopDelay.percentile(99) / 1e6), eventLoopDelayMaxMs: Math.round(loopDelay.max / 1e6) })}`);
  await host.close();
  server.closeAllConnections();
  server.close();
  await close();
  fs.rmSync(dir, { recursive: true, force: true });
  fs.rmSync(sandboxDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
