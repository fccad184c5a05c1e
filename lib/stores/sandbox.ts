import { atom, type ReadableAtom } from 'nanostores';
import { bootSandbox, hostReasonBeforeBoot, type BootDeps, type SandboxBootConfig } from '@/lib/sandbox/boot';
import { SandboxSync, type SyncBackend } from '@/lib/sandbox/sync';
import type { Sandbox, SandboxKind } from '@/lib/sandbox/types';
import { errorText } from '@/lib/errors';

// The project page's sandbox: boots it once (WebContainer or host, lib/sandbox/boot.ts), mounts the
// project through the sync, and tracks its dev servers for the preview. Everything else asks this
// store for the sandbox; nothing else boots one.

export type SandboxStatus = 'idle' | 'booting' | 'mounting' | 'ready' | 'failed';

export interface SandboxStoreOptions {
  config: () => Promise<SandboxBootConfig>;
  /**
   * The config when the page already holds it (the server's prefetch): a host-sandbox reason known before the
   * boot is shown at once, so its notice is part of the first layout instead of pushing the page down later.
   */
  knownConfig?: SandboxBootConfig;
  deps: () => BootDeps;
  backend: SyncBackend;
  onSkipped?: (skipped: { path: string; reason: string }[]) => void;
}

export class SandboxStore {
  readonly #status = atom<SandboxStatus>('idle');
  readonly #kind = atom<SandboxKind | null>(null);
  readonly #fallbackReason = atom<string | null>(null);
  readonly #error = atom<string | null>(null);
  readonly #servers = atom<Record<number, string>>({});
  readonly status: ReadableAtom<SandboxStatus> = this.#status;
  readonly kind: ReadableAtom<SandboxKind | null> = this.#kind;
  /** Why the host sandbox is used instead of a WebContainer (shown as a notice). */
  readonly fallbackReason: ReadableAtom<string | null> = this.#fallbackReason;
  readonly error: ReadableAtom<string | null> = this.#error;
  /** Dev servers listening: port → preview URL. */
  readonly servers: ReadableAtom<Record<number, string>> = this.#servers;

  readonly #opts: SandboxStoreOptions;
  #booted: Promise<Sandbox> | undefined;
  #sandbox: Sandbox | undefined;
  #sync: SandboxSync | undefined;
  #offs: (() => void)[] = [];
  #disposed = false;

  constructor(options: SandboxStoreOptions) {
    this.#opts = options;
    if (options.knownConfig) this.#fallbackReason.set(hostReasonBeforeBoot(options.knownConfig, options.deps().crossOriginIsolated));
  }

  /** The booted, mounted sandbox (shared); a failed boot can be retried by calling again. */
  sandbox = (): Promise<Sandbox> => {
    this.#booted ??= this.#boot().catch((error: unknown) => {
      this.#booted = undefined;
      this.#status.set('failed');
      this.#error.set(errorText(error));
      throw error;
    });
    return this.#booted;
  };

  get sync(): SandboxSync | undefined {
    return this.#sync;
  }

  /** A file the editor or the agent saved: into the sandbox now (no-op before boot). */
  async push(path: string, content: string): Promise<void> {
    await this.#sync?.push(path, content);
  }

  async dispose(): Promise<void> {
    this.#disposed = true;
    for (const off of this.#offs) off();
    this.#sync?.stop();
    await this.#sandbox?.dispose().catch(() => undefined);
  }

  async #boot(): Promise<Sandbox> {
    this.#status.set('booting');
    this.#error.set(null);
    const config = await this.#opts.config();
    const { sandbox, fallbackReason } = await bootSandbox(config, this.#opts.deps());
    if (this.#disposed) {
      await sandbox.dispose();
      throw new Error('The page was closed while the sandbox started.');
    }
    this.#sandbox = sandbox;
    this.#kind.set(sandbox.kind);
    this.#fallbackReason.set(fallbackReason ?? null);
    this.#offs.push(
      sandbox.onServerReady(({ port, url }) => this.#servers.set({ ...this.#servers.get(), [port]: url })),
      sandbox.onPortClosed((port) => {
        const next = { ...this.#servers.get() };
        delete next[port];
        this.#servers.set(next);
      }),
    );
    this.#status.set('mounting');
    this.#sync = new SandboxSync({
      sandbox,
      backend: this.#opts.backend,
      onSkipped: this.#opts.onSkipped,
      onError: (e) => console.error('sandbox sync:', e),
    });
    await this.#sync.mount();
    this.#status.set('ready');
    return sandbox;
  }
}
