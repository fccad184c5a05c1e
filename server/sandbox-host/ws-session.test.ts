import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WS from 'ws';
import { revokeSession } from '@/db/queries/sessions';
import { CLOSE_CODES, SANDBOX_WS_PATH } from '@/lib/sandbox/host-client/protocol';
import { sessionCookieFor } from '@/server/auth/request-user';
import { decodeSession, readCookie, SESSION_COOKIE } from '@/server/auth/session';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// The sandbox socket asks the same question as every other door: is this cookie's session still live?

let server: SandboxTestServer;
beforeAll(async () => {
  server = await startSandboxTestServer();
});
afterAll(async () => server?.close());

/** Opens the project's sandbox socket with the cookie; resolves with the close code, or 'open'. */
function connect(cookie: string): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const ws = new WS(`${server.baseUrl.replace('http', 'ws')}${SANDBOX_WS_PATH}?projectId=${server.projectId}`, { headers: { cookie }, origin: server.baseUrl });
    // A live session gets a working socket: a request is answered. An ended one is closed first.
    ws.on('open', () => ws.send(JSON.stringify({ id: 1, op: 'readdir', path: '.' })));
    ws.on('message', () => {
      resolve('open');
      ws.close();
    });
    ws.on('close', (code) => resolve(code));
  });
}

describe('sandbox socket sessions', () => {
  it('closes a socket whose session was ended with 4401, and serves a live one', async () => {
    const cookie = await sessionCookieFor(server.testDb.db, server.userIds.owner);
    expect(await connect(cookie)).toBe('open');
    await revokeSession(server.testDb.db, decodeSession(readCookie(cookie, SESSION_COOKIE))!.sessionId);
    expect(await connect(cookie)).toBe(CLOSE_CODES.unauthorized);
  }, 30_000);
});
