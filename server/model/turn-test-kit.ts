import { afterAll, beforeAll, beforeEach } from 'vitest';
import { listMessages } from '@/db/queries/chats';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { projectMember, type User } from '@/db/schema';
import { startScriptedModel, type ScriptedModel } from '@/e2e/scripted-model/server';
import { turnResponseEvents, type StoredContent, type TurnEvent, type TurnRequest } from '@/lib/agent/protocol';
import { createCaller } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { sessionCookieFor } from '@/server/auth/request-user';
import type { ModelConfig } from '@/server/model/config';
import { serveFetchHandler, type ServedHandler } from '@/server/model/node-http';
import { createTurnHandler } from '@/server/model/turn-handler';

// Shared setup of the turn endpoint tests: real PGlite, the scripted model on a port, and the
// route's handler served over node:http. Registers its own hooks; read fields inside tests.

export const KEY = 'sk-test-secret-key-123456';

export interface TurnKit {
  db: TestDb['db'];
  model: ScriptedModel;
  url: string;
  config: ModelConfig;
  owner: User;
  viewer: User;
  stranger: User;
  projectId: string;
  chatId: string;
  /** `ide_session=…` of a live session of the user. */
  cookieOf(user: User): string;
  post(body: unknown, user?: User, signal?: AbortSignal): Promise<Response>;
  turn(input: TurnRequest['input'], extra?: Partial<TurnRequest>, user?: User): Promise<{ status: number; events: TurnEvent[]; text: string }>;
  stored(): Promise<(StoredContent & { usage: unknown })[]>;
  lastModelBody(): { messages: { role: string; content: unknown; tool_call_id?: string }[] } & Record<string, unknown>;
}

export function setupTurnKit(options: { maxSteps?: number } = {}): TurnKit {
  let testDb: TestDb;
  let served: ServedHandler;
  const kit = {} as TurnKit;
  const cookies = new Map<string, string>();
  const cookieOf = (u: User) => {
    const cookie = cookies.get(u.id);
    if (!cookie) throw new Error(`no session for user ${u.id}`);
    return cookie;
  };
  kit.cookieOf = cookieOf;

  beforeAll(async () => {
    testDb = await createTestDb();
    kit.db = testDb.db;
    [kit.owner, kit.viewer, kit.stranger] = (await seedUsers(testDb.db, 3)) as [User, User, User];
    for (const u of [kit.owner, kit.viewer, kit.stranger]) cookies.set(u.id, await sessionCookieFor(testDb.db, u.id));
    kit.model = await startScriptedModel({ apiKey: KEY, models: ['scripted-model', 'other-model'] });
    served = await serveFetchHandler(createTurnHandler({ getDb: async () => testDb.db, getModelConfig: () => kit.config, maxSteps: options.maxSteps ?? 4 }));
    kit.url = served.url;
    kit.projectId = (await createCaller(createContextInner({ db: testDb.db, user: kit.owner })).project.create({ title: 'agent' })).id;
    await testDb.db.insert(projectMember).values({ projectId: kit.projectId, userId: kit.viewer.id, role: 'viewer' });
  });
  afterAll(async () => {
    await served.close();
    await kit.model.close();
    await testDb.close();
  });
  beforeEach(async () => {
    kit.config = { apiKey: KEY, baseURL: kit.model.baseURL, models: ['scripted-model', 'other-model', 'ghost-model'], api: 'chat' };
    kit.model.reset();
    kit.chatId = (await createCaller(createContextInner({ db: testDb.db, user: kit.owner })).chat.create({ projectId: kit.projectId })).id;
  });

  kit.post = (body, user = kit.owner, signal) =>
    fetch(`${kit.url}/api/agent/turn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: cookieOf(user) },
      body: JSON.stringify(body),
      signal,
    });
  kit.turn = async (input, extra = {}, user = kit.owner) => {
    const res = await kit.post({ projectId: kit.projectId, chatId: kit.chatId, input, ...extra }, user);
    const events: TurnEvent[] = [];
    for await (const e of turnResponseEvents(res)) events.push(e);
    return { status: res.status, events, text: events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('') };
  };
  kit.stored = async () => (await listMessages(kit.db, kit.chatId)).map((m) => ({ ...(m.content as StoredContent), usage: m.usage }));
  kit.lastModelBody = () => kit.model.requests().at(-1)!.body as ReturnType<TurnKit['lastModelBody']>;
  return kit;
}
