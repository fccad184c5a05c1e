import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WS from 'ws';
import { createHostSandbox } from '@/lib/sandbox/host-client';
import { MAX_MESSAGE_BYTES, SANDBOX_WS_PATH } from '@/lib/sandbox/host-client/protocol';
import { startSandboxTestServer, type SandboxTestServer } from '@/server/sandbox-host/testing';

// The sandbox socket's message cap, on the real server (edge checks, the socket endpoint, bubblewrap).

let server: SandboxTestServer;
beforeAll(async () => {
  server = await startSandboxTestServer();
});
afterAll(async () => server?.close());

function open(): Promise<WS> {
  const Socket = server.socketFor('owner');
  const ws = new Socket(`${server.baseUrl.replace('http', 'ws')}${SANDBOX_WS_PATH}?projectId=${server.projectId}`) as unknown as WS;
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('close', (code) => reject(new Error(`closed ${code}`)));
  });
}

const closed = (ws: WS) => new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));

describe('sandbox socket message cap', () => {
  it('closes the socket (1009) when a frame is over the cap, and keeps it open for one just under', async () => {
    const ws = await open();
    const replies: string[] = [];
    ws.on('message', (data) => replies.push(String(data)));
    // Just under the cap: answered (the process does not exist), the socket stays open.
    ws.send(JSON.stringify({ id: 1, op: 'stdin', pid: 'p1', data: 'x'.repeat(MAX_MESSAGE_BYTES - 100) }));
    await expect.poll(() => replies.some((r) => r.includes('"id":1'))).toBe(true);
    const done = closed(ws);
    ws.send(JSON.stringify({ id: 2, op: 'stdin', pid: 'p1', data: 'x'.repeat(MAX_MESSAGE_BYTES) }));
    expect(await done).toBe(1009);
  });

  it('mounts a project larger than one message, in batches', async () => {
    const sandbox = await createHostSandbox({ projectId: server.projectId, baseUrl: server.baseUrl, WebSocket: server.socketFor('owner') });
    try {
      const big = (c: string) => c.repeat(2 * 1024 * 1024);
      await sandbox.mount({ 'a.txt': big('a'), 'b.txt': big('b'), 'c/d.txt': big('d'), 'small.txt': 'hi' });
      expect((await sandbox.fs.readFile('c/d.txt')).length).toBe(2 * 1024 * 1024);
      expect(await sandbox.fs.readTextFile('small.txt')).toBe('hi');
      expect((await sandbox.fs.readTextFile('a.txt')).slice(0, 3)).toBe('aaa');
    } finally {
      await sandbox.dispose();
    }
  });
});
