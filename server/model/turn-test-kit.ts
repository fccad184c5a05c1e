import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, httpBatchStreamLink, TRPCClientError, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { listMessages } from '@/db/queries/chats';
import { createTestDb, seedUsers, type TestDb } from '@/db/testing';
import { projectMember, type User } from '@/db/schema';
import { startScriptedModel, type ScriptedModel } from '@/e2e/scripted-model/server';
import type { StoredContent, TurnEvent, TurnRequest } from '@/lib/agent/protocol';
import type { AppErrorCode } from '@/lib/errors';
import { createTrpcListener } from '@/server/api/http';
import { createCaller, type AppRouter } from '@/server/api/root';
import { createContextInner } from '@/server/api/trpc';
import { sessionCookieFor } from '@/server/auth/request-user';
import { TurnRateLimit, type Budget } from '@/server/model/budget';
import type { ModelConfig } from '@/server/model/config';
import { createTurnDeps, type TurnDeps } from '@/server/model/turn';

// Shared setup of the agent turn tests: real PGlite, the scripted model on a port, and the tRPC API
// served over node:http by the same listener as server/main.ts; turns go through a real tRPC client
// (httpBatchStreamLink), as in the browser. Registers its own hooks; read fields inside tests.

export const KEY = 'sk-test-secret-key-123456';

export interface TurnResult {
  /** 200 when the turn started; the HTTP status of the tRPC error when it was refused. */
  status: number;
  events: TurnEvent[];
  text: string;
}

export interface TurnKit {
  db: TestDb['db'];
  model: ScriptedModel;
  url: string;
  config: ModelConfig;
  budget: Budget;
  turns: TurnDeps;
  owner: User;
  editor: User;
  viewer: User;
  stranger: User;
  projectId: string;
  chatId: string;
  /** `ide_session=…` of a live session of the user. */
  cookieOf(user: User): string;
  client(user?: User): TRPCClient<AppRouter>;
  turn(input: TurnRequest['input'], extra?: Partial<TurnRequest>, user?: User): Promise<TurnResult>;
  /** chat.send as raw HTTP (what the browser's link sends): the response, unparsed. */
  rawSend(body: TurnRequest, user?: User, signal?: AbortSignal): Promise<Response>;
  stored(): Promise<(StoredContent & { usage: unknown })[]>;
  lastModelBody(): { messages: { role: string; content: unknown; tool_call_id?: string }[] } & Record<string, unknown>;
}

export function setupTurnKit(options: { maxSteps?: number } = {}): TurnKit {
  let testDb: TestDb;
  let server: http.Server;
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
    [kit.owner, kit.viewer, kit.stranger, kit.editor] = (await seedUsers(testDb.db, 4)) as [User, User, User, User];
    for (const u of [kit.owner, kit.viewer, kit.stranger, kit.editor]) cookies.set(u.id, await sessionCookieFor(testDb.db, u.id));
    kit.model = await startScriptedModel({ apiKey: KEY, models: ['scripted-model', 'other-model'] });
    kit.turns = createTurnDeps({ getModelConfig: () => kit.config, maxSteps: options.maxSteps ?? 4, budgetFor: () => kit.budget });
    server = http.createServer(createTrpcListener({ getDb: async () => testDb.db, turns: kit.turns }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    kit.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    kit.projectId = (await createCaller(createContextInner({ db: testDb.db, user: kit.owner })).project.create({ title: 'agent' })).id;
    await testDb.db.insert(projectMember).values([
      { projectId: kit.projectId, userId: kit.viewer.id, role: 'viewer' },
      { projectId: kit.projectId, userId: kit.editor.id, role: 'editor' },
    ]);
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await kit.model.close();
    await testDb.close();
  });
  beforeEach(async () => {
    kit.config = { apiKey: KEY, baseURL: kit.model.baseURL, models: ['scripted-model', 'other-model', 'ghost-model'], api: 'chat' };
    kit.budget = { dailyTokens: 0, turnsPerMinute: 0 };
    kit.turns.rateLimit = new TurnRateLimit();
    kit.model.reset();
    kit.chatId = (await createCaller(createContextInner({ db: testDb.db, user: kit.owner })).chat.create({ projectId: kit.projectId })).id;
  });

  kit.client = (user = kit.owner) =>
    createTRPCClient<AppRouter>({
      links: [httpBatchStreamLink({ url: `${kit.url}/api/trpc`, transformer: superjson, maxItems: 1, headers: { cookie: kit.cookieOf(user) } })],
    });
  kit.turn = async (input, extra = {}, user = kit.owner) => {
    const events: TurnEvent[] = [];
    let status = 200;
    try {
      for await (const e of await kit.client(user).chat.send.mutate({ projectId: kit.projectId, chatId: kit.chatId, input, ...extra })) events.push(e);
    } catch (error) {
      if (!(error instanceof TRPCClientError)) throw error;
      const data = error.data as { appCode: AppErrorCode | null; code: string; httpStatus: number };
      status = data.httpStatus;
      events.push({ type: 'error', code: data.appCode ?? (data.code === 'BAD_REQUEST' ? 'bad_request:chat' : 'unavailable:api'), message: error.message, retryable: false });
    }
    return { status, events, text: events.flatMap((e) => (e.type === 'text' ? [e.delta] : [])).join('') };
  };
  kit.rawSend = (body, user = kit.owner, signal) =>
    fetch(`${kit.url}/api/trpc/chat.send?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'trpc-accept': 'application/jsonl', cookie: kit.cookieOf(user) },
      body: JSON.stringify({ 0: superjson.serialize(body) }),
      signal,
    });
  kit.stored = async () => (await listMessages(kit.db, kit.chatId)).map((m) => ({ ...(m.content as StoredContent), usage: m.usage }));
  kit.lastModelBody = () => kit.model.requests().at(-1)!.body as ReturnType<TurnKit['lastModelBody']>;
  return kit;
}
