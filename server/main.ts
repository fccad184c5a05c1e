// The IDE's HTTP server: Next.js for pages, the tRPC API (/api/trpc, with tRPC's own Node adapter:
// server/api/http.ts; the agent's turns are chat.send), and what Next cannot carry: sandbox WebSockets
// and the preview proxy (server/sandbox-host). Every request passes the edge checks of
// server/http/edge.ts (host, origin, body size) in createIdeServer.
import { EventEmitter } from 'node:events';
import type { Server } from 'node:http';
import next from 'next';
import { getDb, getDbHandle } from '@/db';
import { dataDir, env, ideOrigin, sandboxDir } from '@/lib/env';
import { createTrpcListener } from '@/server/api/http';
import { edgePolicy } from '@/server/http/edge';
import { createIdeServer } from '@/server/http/server';
import { DEFAULT_LIMITS } from '@/server/sandbox-host/config';
import { CAPTURE_SCRIPT_PATH } from '@/lib/design/protocol';
import { captureScriptTemplate, sendCaptureScript } from '@/server/design/capture-bundle';
import { createSandboxHost } from '@/server/sandbox-host/http';
import { parsePreviewHost } from '@/server/sandbox-host/preview-proxy';
import { placementProblems } from '@/server/sandbox-host/placement';
import { startBlobCollector } from '@/server/storage/blob-collector';
import { closeServerCapture } from '@/server/design/server-capture';

async function main(): Promise<void> {
  const dev = env.NODE_ENV === 'development';
  const useHost = env.SANDBOX_ADAPTERS.includes('host');
  const problems = useHost ? placementProblems({ dataDir, sandboxDir }) : [];
  if (problems.length > 0) throw new Error(`The IDE cannot start:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  // Open the database (and apply pending migrations) before taking requests.
  await getDbHandle();
  startBlobCollector({ getDb, intervalMs: env.BLOB_GC_INTERVAL_MINUTES * 60_000, graceMs: env.BLOB_GC_GRACE_MINUTES * 60_000 });
  const app = next({
    // Next attaches its own 'upgrade' listener to the request's server on the first request, and it ends
    // sockets it has no route for — previews' WebSockets among them. Give it a stand-in to attach to;
    // the listener below hands Next the upgrades that are its own.
    httpServer: new EventEmitter() as Server,
    dev,
    hostname: env.HOSTNAME,
    port: env.PORT,
  });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = app.getUpgradeHandler();

  // The host sandbox's WebSocket and the preview proxy (previews live on their own origin).
  const sandboxHost = useHost
    ? createSandboxHost({
        getDb,
        sandboxDir,
        previewDomain: env.PREVIEW_DOMAIN,
        config: {
          allowlist: env.SANDBOX_ALLOWLIST,
          npmRegistry: env.SANDBOX_NPM_REGISTRY,
          idleMs: env.SANDBOX_IDLE_MINUTES * 60_000,
          livePerUser: env.SANDBOX_LIVE_PER_USER,
          limits: { ...DEFAULT_LIMITS, tmpBytes: env.SANDBOX_TMP_MB * 1024 ** 2, diskBytes: env.SANDBOX_DISK_MB * 1024 ** 2 },
        },
        ideOrigin,
      })
    : undefined;

  // The API is served here rather than by a Next route handler: the same listener runs in tests and
  // bench:proxy, and the agent's streamed turns (chat.send) skip Next's routing.
  const trpc = createTrpcListener({ getDb });

  const server = createIdeServer({
    policy: edgePolicy({
      // HOSTNAME names the IDE too, unless it is a wildcard address.
      allowedHosts: [...env.ALLOWED_HOSTS, ...(['0.0.0.0', '::'].includes(env.HOSTNAME) ? [] : [env.HOSTNAME])],
      publicUrl: env.PUBLIC_URL,
      isPreviewHost: (host) => parsePreviewHost(host, env.PREVIEW_DOMAIN) !== undefined,
    }),
    sandboxHost,
    trpc,
    trpcMaxBodyBytes: env.MAX_BODY_MB * 1024 * 1024,
    next: (req, res) => {
      // The capture script with the origin left open: the WebContainer adapter adds it to the preview script.
      if (req.method === 'GET' && req.url === CAPTURE_SCRIPT_PATH) return sendCaptureScript(res, captureScriptTemplate());
      void handle(req, res);
    },
    nextUpgrade: (req, socket, head) => void upgrade(req, socket, head),
  });
  server.listen(env.PORT, env.HOSTNAME, () => {
    console.log(`Cloud IDE ready on http://${env.HOSTNAME}:${env.PORT} (${dev ? 'development' : 'production'})`);
  });

  const shutdown = () => {
    void Promise.allSettled([sandboxHost?.close(), closeServerCapture()]).finally(() => server.close(() => process.exit(0)));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
