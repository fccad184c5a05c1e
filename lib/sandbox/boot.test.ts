import { describe, expect, it } from 'vitest';
import { bootSandbox, type SandboxBootConfig } from '@/lib/sandbox/boot';
import type { Sandbox } from '@/lib/sandbox/types';

// The choice only: which boot function runs, and the reason shown. The adapters themselves are
// tested by the conformance suite.
const host = { kind: 'host' } as Sandbox;
const wc = { kind: 'webcontainer' } as Sandbox;
const base: SandboxBootConfig = { adapters: ['webcontainer', 'host'], forceHost: false, webcontainerTimeoutMs: 50, preference: 'auto' };
const deps = (bootWc: () => Promise<Sandbox>) => ({ crossOriginIsolated: true, bootWebContainer: bootWc, bootHost: async () => host });

describe('bootSandbox', () => {
  it('uses a WebContainer when it boots in time', async () => {
    expect(await bootSandbox(base, deps(async () => wc))).toEqual({ sandbox: wc });
  });

  it('falls back when the runtime never settles, and says why', async () => {
    const result = await bootSandbox(base, deps(() => new Promise<Sandbox>(() => undefined)));
    expect(result.sandbox).toBe(host);
    expect(result.fallbackReason).toMatch(/did not start within 0 s.*stackblitz\.com/);
  });

  it('falls back when boot fails, with the error', async () => {
    const result = await bootSandbox(base, deps(async () => Promise.reject(new Error('SharedArrayBuffer is not defined'))));
    expect(result.fallbackReason).toMatch(/failed to start: SharedArrayBuffer/);
  });

  it('does not try a WebContainer when the operator, the project or the page rule it out', async () => {
    const never = () => Promise.reject(new Error('must not boot'));
    expect((await bootSandbox({ ...base, forceHost: true }, deps(never))).fallbackReason).toMatch(/SANDBOX_FORCE_HOST/);
    expect((await bootSandbox({ ...base, adapters: ['host'] }, deps(never))).fallbackReason).toMatch(/disabled on this server/);
    expect((await bootSandbox({ ...base, preference: 'host' }, deps(never))).fallbackReason).toMatch(/project is set/);
    expect((await bootSandbox(base, { ...deps(never), crossOriginIsolated: false })).fallbackReason).toMatch(/not cross-origin isolated/);
  });

  it('fails clearly when the fallback is disabled too', async () => {
    await expect(bootSandbox({ ...base, adapters: ['webcontainer'] }, deps(() => new Promise<Sandbox>(() => undefined)))).rejects.toThrow(
      /host sandbox is disabled/,
    );
  });
});
