import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS, uidFor } from '@/server/sandbox-host/config';
import { parseListeners, parseListeningPorts } from '@/server/sandbox-host/holder';
import { injectBridge, parsePreviewHost, previewUrlFor } from '@/server/sandbox-host/preview-proxy';
import { exitInfo } from '@/server/sandbox-host/process';

const ID = '0b7c4a8e-5f0e-4c1e-9d7a-2f3b4c5d6e7f';

describe('preview hosts', () => {
  it('parses <port>-<projectId>.<domain> and nothing else', () => {
    expect(parsePreviewHost(`5173-${ID}.preview.localhost:3000`, 'preview.localhost')).toEqual({ port: 5173, projectId: ID });
    expect(parsePreviewHost(`5173-${ID}.preview.localhost`, 'preview.localhost')).toEqual({ port: 5173, projectId: ID });
    expect(parsePreviewHost('localhost:3000', 'preview.localhost')).toBeUndefined();
    expect(parsePreviewHost(`99999-${ID}.preview.localhost`, 'preview.localhost')).toBeUndefined();
    expect(parsePreviewHost(`5173-${ID}.preview.localhost.evil.com`, 'preview.localhost')).toBeUndefined();
    expect(parsePreviewHost(`x.5173-${ID}.preview.localhost`, 'preview.localhost')).toBeUndefined();
  });

  it("builds the URL on the IDE's port", () => {
    expect(previewUrlFor({ domain: 'preview.localhost', port: 5173, projectId: ID, host: 'localhost:3000' })).toBe(`http://5173-${ID}.preview.localhost:3000/`);
    expect(previewUrlFor({ domain: 'p.example.com', port: 80, projectId: ID, host: 'ide.example.com', secure: true })).toBe(`https://80-${ID}.p.example.com/`);
  });

  it('injects the bridge script right after <head>', () => {
    expect(injectBridge('<!doctype html><html><head lang="x"><title>t</title></head></html>')).toBe(
      '<!doctype html><html><head lang="x"><script src="/__ide/bridge.js"></script><title>t</title></head></html>',
    );
    expect(injectBridge('<p>no head</p>')).toBe('<script src="/__ide/bridge.js"></script><p>no head</p>');
  });
});

describe('listening ports from /proc/net/tcp', () => {
  it('keeps LISTEN sockets only', () => {
    const text = [
      '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
      '   0: 0100007F:1435 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1',
      '   1: 00000000:0C38 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 2 1',
      '   2: 0100007F:1435 0100007F:D2C4 01 00000000:00000000 00:00000000 00000000  1000        0 3 1',
    ].join('\n');
    expect(parseListeningPorts(text)).toEqual([5173, 3128]);
    const v6 = '  sl  local_address\n   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 0 0 0 0 0';
    expect(parseListeners(v6)).toEqual([{ port: 8080, address: '00000000000000000000000001000000' }]);
  });
});

describe('exit reasons', () => {
  const limits = DEFAULT_LIMITS;
  it('maps signals reported by bwrap (128+N) and output tails to reasons', () => {
    expect(exitInfo(0, null, undefined, '', limits)).toEqual({ code: 0 });
    expect(exitInfo(1, null, undefined, 'plain failure', limits)).toEqual({ code: 1 });
    expect(exitInfo(152, null, undefined, '', limits).reason).toBe('cpu');
    expect(exitInfo(153, null, undefined, '', limits).reason).toBe('file-size');
    expect(exitInfo(134, null, undefined, 'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory', limits).reason).toBe('memory');
    expect(exitInfo(137, null, { reason: 'timeout', message: 'wall' }, 'sh: 1: Cannot fork', limits).reason).toBe('processes');
    expect(exitInfo(137, null, { reason: 'killed', message: 'Stopped.' }, '', limits)).toEqual({ code: 137, reason: 'killed', message: 'Stopped.' });
    expect(exitInfo(0, 'SIGKILL', { reason: 'teardown', message: 'bye' }, '', limits)).toEqual({ code: 137, reason: 'teardown', message: 'bye' });
  });
});

describe('sandbox uids', () => {
  it('are stable per project and inside the pool', () => {
    const config = { uidBase: 200_000, uidRange: 100_000 };
    expect(uidFor(ID, config)).toBe(uidFor(ID, config));
    expect(uidFor(ID, config)).toBeGreaterThanOrEqual(200_000);
    expect(uidFor(ID, config)).toBeLessThan(300_000);
    expect(uidFor(ID, config)).not.toBe(uidFor('1b7c4a8e-5f0e-4c1e-9d7a-2f3b4c5d6e7f', config));
  });
});
