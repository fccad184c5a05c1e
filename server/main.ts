// The IDE's HTTP server: Next.js for pages and the API, plus what Next cannot carry or would slow
// down: sandbox WebSockets and the preview proxy (server/sandbox-host), and the agent's streaming
// endpoint (server/model/turn-handler.ts).
import { EventEmitter } from 'node:events';
import { createServer, type Server } from 'node:http';
import next from 'next';
import { getDb, getDbHandle } from '@/db';
import { dataDir, env, ideOrigin } from '@/lib/env';
import { AGENT_TURN_URL } from '@/lib/agent/protocol';
import { CAPTURE_SCRIPT_PATH } from '@/lib/design/protocol';
import { captureScriptTemplate, sendCaptureScript } from '@/server/design/capture-bundle';
import { nodeListener } from '@/server/model/node-http';
import { createTurnHandler } from '@/server/model/turn-handler';
import { createSandboxHost } from '@/server/sandbox-host/http';

async function main(): Promise<void> {
  const dev = env.NODE_ENV === 'development';
  // Open the database (and apply pending migrations) before taking requests.
  await getDbHandle();
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
  const sandboxHost = env.SANDBOX_ADAPTERS.includes('host')
    ? createSandboxHost({
        getDb,
        dataDir,
        previewDomain: env.PREVIEW_DOMAIN,
        ideOrigin,
        config: { allowlist: env.SANDBOX_ALLOWLIST, npmRegistry: env.SANDBOX_NPM_REGISTRY, idleMs: env.SANDBOX_IDLE_MINUTES * 60_000 },
      })
    : undefined;

  // POST /api/agent/turn streams NDJSON from the model. It is served here rather than as a Next route
  // handler: a turn is a POST whose body may carry images of several MB (tRPC subscriptions are GET
  // with the input in the URL), and Next's routing and stream adapters add ~2 ms to the first token
  // (bench:proxy). The Request's signal aborts the upstream call when the browser stops or leaves.
  const agentTurn = nodeListener(createTurnHandler({ getDb }));

  const server = createServer((req, res) => {
    if (sandboxHost?.handleRequest(req, res)) return;
    if (req.method === 'POST' && req.url?.split('?')[0] === AGENT_TURN_URL) return agentTurn(req, res);
    // The capture script with the origin left open: the WebContainer adapter adds it to the preview script.
    if (req.method === 'GET' && req.url === CAPTURE_SCRIPT_PATH) return sendCaptureScript(res, captureScriptTemplate());
    void handle(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    if (sandboxHost?.handleUpgrade(req, socket, head)) return;
    void upgrade(req, socket, head);
  });
  server.listen(env.PORT, env.HOSTNAME, () => {
    console.log(`Cloud IDE ready on http://${env.HOSTNAME}:${env.PORT} (${dev ? 'development' : 'production'})`);
  });

  const shutdown = () => {
    void (sandboxHost?.close() ?? Promise.resolve()).finally(() => server.close(() => process.exit(0)));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
