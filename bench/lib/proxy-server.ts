// The IDE side of bench:proxy, in its own process as in production: the real turn handler
// (session cookie, role check, PGlite writes, openai SDK, NDJSON) on node:http, no Next build.
// Prints one JSON line: { url, cookie, projectId, chats }.
import { parseArgs } from 'node:util';
import { createChat } from '@/db/queries/chats';
import { insertProject } from '@/db/queries/projects';
import { createTestDb, seedUsers } from '@/db/testing';
import { sessionCookieFor } from '@/server/auth/request-user';
import { serveFetchHandler } from '@/server/model/node-http';
import { createTurnHandler } from '@/server/model/turn-handler';

const { values } = parseArgs({ options: { 'model-url': { type: 'string' }, chats: { type: 'string', default: '100' } } });
const testDb = await createTestDb();
const [user] = await seedUsers(testDb.db, 1);
const project = await insertProject(testDb.db, { ownerId: user!.id, title: 'bench', template: null });
const config = { baseURL: values['model-url'], apiKey: 'sk-bench', models: ['scripted-model'], api: 'chat' as const };
const served = await serveFetchHandler(createTurnHandler({ getDb: async () => testDb.db, getModelConfig: () => config }));
const chats: string[] = [];
for (let i = 0; i < Number(values.chats); i++) chats.push((await createChat(testDb.db, project.id)).id);
console.log(JSON.stringify({ url: served.url, cookie: await sessionCookieFor(testDb.db, user!.id), projectId: project.id, chats }));
process.on('SIGTERM', () => void served.close().then(() => process.exit(0)));
