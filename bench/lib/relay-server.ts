// A reference for bench:proxy: the least any HTTP proxy can add on this machine. It relays the
// request body to the scripted model and streams the answer back unchanged (node:http in, fetch
// out, as the IDE does), with no session, database, SDK or re-encoding. Prints its URL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { 'model-url': { type: 'string' } } });
const modelUrl = values['model-url']!;

const server = http.createServer((req, res) => {
  res.socket?.setNoDelay(true);
  void (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const upstream = await fetch(`${modelUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-bench' },
      body: Buffer.concat(chunks),
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/event-stream' });
    const reader = upstream.body!.getReader();
    for (let next = await reader.read(); !next.done; next = await reader.read()) {
      res.write(next.value);
      res.socket?.uncork();
    }
    res.end();
  })().catch(() => res.destroy());
});
server.listen(0, '127.0.0.1', () => console.log(`relay on http://127.0.0.1:${(server.address() as AddressInfo).port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
