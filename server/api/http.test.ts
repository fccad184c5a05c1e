import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/db/testing';
import { serveTrpc, type ServedTrpc } from '@/server/api/testing';

// The tRPC listener of server/main.ts over real HTTP, driven with real Request objects: status codes,
// error bodies and the identity cookie as a browser sees them.
let testDb: TestDb;
let served: ServedTrpc;
const handle = (req: Request) => served.handle(req);
const base = 'http://localhost:3000/api/trpc';

beforeAll(async () => {
  testDb = await createTestDb();
  served = await serveTrpc({ getDb: async () => testDb.db });
});
afterAll(async () => {
  await served.close();
  await testDb.close();
});

async function call(path: string, input: unknown, cookie?: string) {
  const res = await handle(
    new Request(`${base}/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ json: input }),
    }),
  );
  return { res, body: (await res.json()) as { error?: { json: { message: string; data: Record<string, unknown> } }; result?: { data: { json: unknown } } } };
}

function sessionFrom(res: Response): string {
  const header = res.headers.get('set-cookie');
  expect(header).toMatch(/^ide_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
  return header!.split(';')[0]!;
}

describe('tRPC over HTTP', () => {
  it('issues a signed httpOnly identity cookie once and keeps it', async () => {
    const first = await call('project.create', { title: 'mine' });
    const cookie = sessionFrom(first.res);
    const again = await handle(new Request(`${base}/project.list`, { headers: { cookie } }));
    expect(again.headers.get('set-cookie')).toBeNull();
    const body = (await again.json()) as { result: { data: { json: { title: string }[] } } };
    expect(body.result.data.json.map((p) => p.title)).toEqual(['mine']);
  });

  it('treats a forged cookie as a new visitor', async () => {
    const first = await call('project.create', { title: 'victim' });
    const [name, value] = sessionFrom(first.res).split('=');
    const forged = `${name}=${value!.split('.')[0]}.AAAA`;
    const res = await handle(new Request(`${base}/project.list`, { headers: { cookie: forged } }));
    expect(res.headers.get('set-cookie')).toMatch(/^ide_session=/);
    const body = (await res.json()) as { result: { data: { json: unknown[] } } };
    expect(body.result.data.json).toEqual([]);
  });

  it('answers invalid input with 400 and the zod message', async () => {
    const { res, body } = await call('project.create', { title: 42 });
    expect(res.status).toBe(400);
    expect(body.error?.json.message).toMatch(/expected string, received number/i);
    expect(body.error?.json.data.zodError).toMatchObject({ fieldErrors: { title: [expect.any(String)] } });
  });

  it('answers an unknown project with 404, not 500', async () => {
    const input = encodeURIComponent(JSON.stringify({ json: { projectId: '7f1c0a8e-1111-4222-8333-444455556666' } }));
    const res = await handle(new Request(`${base}/files.tree?input=${input}`));
    const body = (await res.json()) as { error?: { json: { message: string; data: Record<string, unknown> } } };
    expect(res.status).toBe(404);
    expect(body.error?.json.message).toBe('Project not found.');
    expect(body.error?.json.data.appCode).toBe('not_found:project');
  });

  it('answers a stale write with 409 and a traversal path with 400', async () => {
    const created = await call('project.create', { title: 'x' });
    const cookie = sessionFrom(created.res);
    const projectId = (created.body.result!.data.json as { id: string }).id;
    await call('files.create', { projectId, path: 'a.txt', content: '1' }, cookie);
    await call('files.write', { projectId, path: 'a.txt', content: '2', expectedVersion: 1 }, cookie);
    const stale = await call('files.write', { projectId, path: 'a.txt', content: 'lost?', expectedVersion: 1 }, cookie);
    expect(stale.res.status).toBe(409);
    expect(stale.body.error?.json.data.appCode).toBe('conflict:file');
    const traversal = await call('files.create', { projectId, path: '../../etc/passwd', content: 'x' }, cookie);
    expect(traversal.res.status).toBe(400);
    expect(traversal.body.error?.json.message).toMatch(/"\.\." is not allowed/);
  });
});
