import type { SandboxRequestInput } from '@/lib/sandbox/host-client/protocol';
import type { ExitInfo, SandboxProcess, Unsubscribe } from '@/lib/sandbox/types';

const MAX_EARLY_OUTPUT = 1024 * 1024;

/** A process in the host sandbox as the browser sees it: events arrive over the socket, calls go back on it. */
export class RemoteProcess implements SandboxProcess {
  readonly exit: Promise<ExitInfo>;
  #resolveExit!: (info: ExitInfo) => void;
  #listeners = new Set<(chunk: string) => void>();
  #early: string[] = [];
  #earlySize = 0;
  #exited = false;

  constructor(
    readonly id: string,
    private readonly send: (request: SandboxRequestInput) => void,
  ) {
    this.exit = new Promise((resolve) => (this.#resolveExit = resolve));
  }

  onOutput(listener: (chunk: string) => void): Unsubscribe {
    this.#listeners.add(listener);
    if (this.#early.length > 0) {
      const early = this.#early.join('');
      this.#early = [];
      this.#earlySize = 0;
      listener(early);
    }
    return () => this.#listeners.delete(listener);
  }

  deliver(chunk: string): void {
    if (this.#listeners.size === 0) {
      // Kept until someone listens (a terminal view that mounts a moment later), within a bound.
      if (this.#earlySize < MAX_EARLY_OUTPUT) {
        this.#early.push(chunk);
        this.#earlySize += chunk.length;
      }
      return;
    }
    for (const listener of this.#listeners) listener(chunk);
  }

  finish(info: ExitInfo): void {
    if (this.#exited) return;
    this.#exited = true;
    this.#resolveExit(info);
  }

  write(data: string): void {
    if (!this.#exited) this.send({ id: 0, op: 'stdin', pid: this.id, data });
  }

  resize(size: { cols: number; rows: number }): void {
    if (!this.#exited) this.send({ id: 0, op: 'resize', pid: this.id, size });
  }

  kill(): void {
    if (!this.#exited) this.send({ id: 0, op: 'kill', pid: this.id });
  }
}
