// The IDE side of bench:proxy, in its own process as in production: the tRPC listener of server/main.ts
// (session cookie, role check, budget and rate limit, PGlite writes, openai SDK, chat.send's stream)
// on node:http, no Next build. Prints one JSON line: { url, cookie, projectId, chats }.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createChat } from '@/db/queries/chats';
import { insertProject } from '@/db/queries/projects';
import { createDb } from '@/db/client';
import { createTestDb, seedUsers } from '@/db/testing';
import { createTrpcListener } from '@/server/api/http';
import { sessionCookieFor } from '@/server/auth/request-user';
import { createTurnDeps } from '@/server/model/turn';

const { values } = parseArgs({ options: { 'model-url': { type: 'string' }, chats: { type: 'string', default: '100' }, 'database-url': { type: 'string' } } });
// --database-url: a PostgreSQL database (created for the run and dropped after it by whoever runs the bench); else PGlite in memory.
const testDb = values['database-url'] ? await createDb({ kind: 'postgres', url: values['database-url'] }) : await createTestDb();
const [user] = await seedUsers(testDb.db, 1);
const project = await insertProject(testDb.db, { ownerId: user!.id, title: 'bench', template: null });
const config = { baseURL: values['model-url'], apiKey: 'sk-bench', models: ['scripted-model'], api: 'chat' as const };
// The budget and the rate limit are checked as always; their limits are set high enough for the run.
const turns = createTurnDeps({ getModelConfig: () => config, budgetFor: () => ({ dailyTokens: 1e12, turnsPerMinute: 10_000 }) });
const server = http.createServer(createTrpcListener({ getDb: async () => testDb.db, turns }));
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const chats: string[] = [];
for (let i = 0; i < Number(values.chats); i++) chats.push((await createChat(testDb.db, project.id)).id);
console.log(JSON.stringify({ url, cookie: await sessionCookieFor(testDb.db, user!.id), projectId: project.id, chats }));
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
