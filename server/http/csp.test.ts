import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { proxy } from '@/proxy';
import { contentSecurityPolicy, newNonce } from '@/server/http/csp';

const directive = (policy: string, name: string) => policy.split('; ').find((d) => d.startsWith(`${name} `)) ?? '';

describe('content security policy', () => {
  it('lets scripts run only with the nonce in production: no unsafe-inline, no unsafe-eval', () => {
    const policy = contentSecurityPolicy({ nonce: 'abc123', dev: false, host: 'localhost:3000', previewDomain: 'preview.localhost' });
    const scripts = directive(policy, 'script-src');
    expect(scripts).toBe("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-inline'/);
    expect(directive(policy, 'object-src')).toBe("object-src 'none'");
    expect(directive(contentSecurityPolicy({ nonce: 'n', dev: true, host: 'localhost', previewDomain: 'p.localhost' }), 'script-src')).toContain("'unsafe-eval'");
  });

  it('opens sockets to our own origin only, not to any ws: host', () => {
    const policy = contentSecurityPolicy({ nonce: 'n', dev: false, host: 'localhost:3000', previewDomain: 'preview.localhost' });
    const connect = directive(policy, 'connect-src').split(' ');
    expect(connect).toContain('ws://localhost:3000');
    expect(connect).toContain('*.preview.localhost:*');
    expect(connect.filter((s) => /^wss?:/.test(s))).toEqual(['ws://localhost:3000', 'wss://localhost:3000', 'wss://*.webcontainer-api.io']);
    // A Host that is not a host name cannot smuggle a source or a directive in.
    const forged = contentSecurityPolicy({ nonce: 'n', dev: false, host: "evil; script-src 'unsafe-inline'", previewDomain: 'preview.localhost' });
    expect(forged).not.toContain('evil');
  });

  it('makes a new, unguessable nonce for every page and hands Next the same policy the browser gets', () => {
    const nonces = new Set(Array.from({ length: 100 }, newNonce));
    expect(nonces.size).toBe(100);
    for (const n of nonces) expect(Buffer.from(n, 'base64')).toHaveLength(16);

    const first = proxy(new NextRequest('http://localhost:3000/p/x', { headers: { host: 'localhost:3000' } }));
    const second = proxy(new NextRequest('http://localhost:3000/p/x', { headers: { host: 'localhost:3000' } }));
    const policy = first.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(policy)?.[1];
    expect(nonce).toBeTruthy();
    expect(second.headers.get('content-security-policy')).not.toContain(nonce);
    // Next reads the nonce from the request's header (passed on as x-middleware-request-*).
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(policy);
    expect(directive(policy, 'script-src')).not.toContain("'unsafe-inline'");
  });
});
