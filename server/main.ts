// The IDE's HTTP server: Next.js for pages and the API, plus what Next cannot carry
// (sandbox WebSockets and the preview proxy, added by server/sandbox-host).
import { createServer } from 'node:http';
import next from 'next';
import { getDbHandle } from '@/db';
import { env } from '@/lib/env';

async function main(): Promise<void> {
  const dev = env.NODE_ENV === 'development';
  // Open the database (and apply pending migrations) before taking requests.
  await getDbHandle();
  const app = next({ dev, hostname: env.HOSTNAME, port: env.PORT });
  await app.prepare();
  const handle = app.getRequestHandler();
  const upgrade = app.getUpgradeHandler();

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  server.on('upgrade', (req, socket, head) => {
    void upgrade(req, socket, head);
  });
  server.listen(env.PORT, env.HOSTNAME, () => {
    console.log(`Cloud IDE ready on http://${env.HOSTNAME}:${env.PORT} (${dev ? 'development' : 'production'})`);
  });

  const shutdown = () => server.close(() => process.exit(0));
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
