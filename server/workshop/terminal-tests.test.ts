import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type WS from 'ws';
import { workshopStudent } from '@/db/schema';
import { SANDBOX_WS_PATH } from '@/lib/sandbox/host-client/protocol';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';
import { createWorkshop, joinWorkshop } from '@/server/workshop/service';
import { updateWorkshop } from '@/db/queries/workshops';

// A student's tests run in their terminal, in a real host sandbox: the server reads the summary from the
// PTY's output and records it as the student's run. Non-terminal processes (the agent's commands, which
// chat.send reports) are not read here; an ended workshop runs nothing.

let server: SandboxTestServer;
let forkId: string;
let workshopId: string;
beforeAll(async () => {
  server = await startSandboxTestServer();
  const db = server.testDb.db;
  const w = await createWorkshop(db, { id: server.userIds.owner }, { projectId: server.projectId, title: 'Shell class', settings: { agent: true, dailyTokens: 100_000, approval: 'ask', network: 'off' } });
  workshopId = w.id;
  forkId = (await joinWorkshop(db, { id: server.userIds.stranger }, w.code, 'Stu')).projectId;
}, 60_000);
afterAll(async () => server?.close());

/** Spawns a command on the student's fork; resolves with the response (ok or the error) once it exits or is refused. */
function run(script: string, terminal: boolean): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const Socket = server.socketFor('stranger');
  const ws = new Socket(`${server.baseUrl.replace('http', 'ws')}${SANDBOX_WS_PATH}?projectId=${forkId}`) as unknown as WS;
  return new Promise((resolve) => {
    let response: { ok: boolean; error?: { code: string; message: string } } | undefined;
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, op: 'spawn', command: 'sh', args: ['-c', script], ...(terminal ? { terminal: { cols: 80, rows: 24 } } : {}) })));
    ws.on('message', (raw) => {
      const message = JSON.parse(String(raw)) as { type: string; id?: number; ok?: boolean; error?: { code: string; message: string } };
      if (message.type === 'response' && message.id === 1) {
        response = { ok: message.ok === true, error: message.error };
        if (!message.ok) ws.close();
      }
      if (message.type === 'exit') ws.close();
    });
    ws.on('close', () => resolve(response ?? { ok: false }));
  });
}

const testRun = async () => {
  const [row] = await server.testDb.db.select().from(workshopStudent).where(eq(workshopStudent.forkProjectId, forkId));
  return { passed: row?.testPassed, failed: row?.testFailed, ranBy: row?.testRanBy };
};

describe('test runs in a student’s terminal', () => {
  it('ignores a summary printed by a non-terminal process (the agent’s, reported through chat.send)', async () => {
    expect(await run("printf '      Tests  9 passed (9)\\n'", false)).toMatchObject({ ok: true });
    expect(await testRun()).toEqual({ passed: null, failed: null, ranBy: null });
  }, 60_000);

  it('records the counts a test run prints in the terminal, as the student’s', async () => {
    expect(await run("printf ' \\033[2m     Tests \\033[22m \\033[31m1 failed\\033[39m | \\033[32m4 passed\\033[39m (5)\\r\\n   Duration  1.2s\\r\\n'", true)).toMatchObject({ ok: true });
    await vi.waitFor(async () => expect(await testRun()).toEqual({ passed: 4, failed: 1, ranBy: 'student' }), { timeout: 5000, interval: 50 });
  }, 60_000);

  it('runs nothing once the workshop has ended, and says why', async () => {
    await updateWorkshop(server.testDb.db, workshopId, { endedAt: new Date() });
    expect(await run('true', true)).toMatchObject({ ok: false, error: { code: 'forbidden:workshop', message: expect.stringMatching(/"Shell class" has ended/) } });
  }, 60_000);
});
