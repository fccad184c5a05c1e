import { describe, expect, it } from 'vitest';
import type { BootDeps, SandboxBootConfig } from '@/lib/sandbox/boot';
import { SandboxStore } from '@/lib/stores/sandbox';
import type { SyncBackend } from '@/lib/sandbox/sync';

// The host sandbox's notice is laid out with the page when its reason is known before the boot: it must not
// appear later and push the tree and the editor down under the user's pointer.
const auto: SandboxBootConfig = { adapters: ['webcontainer', 'host'], forceHost: false, webcontainerTimeoutMs: 5000, preference: 'auto' };
const never = () => Promise.reject(new Error('no boot in this test'));
const storeWith = (knownConfig: SandboxBootConfig | undefined, crossOriginIsolated = true) =>
  new SandboxStore({
    config: async () => auto,
    knownConfig,
    deps: (): BootDeps => ({ crossOriginIsolated, bootWebContainer: never, bootHost: never }),
    backend: {} as SyncBackend,
  });

describe('SandboxStore before its boot', () => {
  it("states the host sandbox's reason at once when the config already rules a WebContainer out", () => {
    expect(storeWith({ ...auto, forceHost: true }).fallbackReason.get()).toMatch(/SANDBOX_FORCE_HOST/);
    expect(storeWith({ ...auto, preference: 'host' }).fallbackReason.get()).toMatch(/project is set to use the host sandbox/);
    expect(storeWith(auto, false).fallbackReason.get()).toMatch(/not cross-origin isolated/);
  });

  it('states nothing when a WebContainer will be tried, or when the config is not known yet', () => {
    expect(storeWith(auto).fallbackReason.get()).toBeNull();
    expect(storeWith(undefined, false).fallbackReason.get()).toBeNull();
    expect(storeWith(undefined).status.get()).toBe('idle');
  });
});
