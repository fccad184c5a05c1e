import 'server-only';
import type { NetHolder } from '@/server/sandbox-host/holder';

// A workspace's dev servers: which TCP ports listen inside its network namespaces, polled while it runs
// processes or has open ports, with a callback for each port that opens or closes.

const PORT_POLL_MS = 500;

export interface WorkspaceEvents {
  onServerReady(port: number): void;
  onPortClosed(port: number): void;
}

export class PortWatch {
  readonly #listeners = new Set<WorkspaceEvents>();
  #ports = new Map<number, NetHolder>();
  #timer?: NodeJS.Timeout;
  #reading = false;
  #again = false;
  #closed = false;

  /** `holders`: the workspace's started namespaces; `busy`: whether it still runs processes. */
  constructor(private readonly options: { holders: () => Iterable<NetHolder>; busy: () => boolean; name: string }) {}

  on(listener: WorkspaceEvents): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  get ports(): number[] {
    return [...this.#ports.keys()].sort((a, b) => a - b);
  }

  holderOf(port: number): NetHolder | undefined {
    return this.#ports.get(port);
  }

  /** Polls from now on, until nothing runs and no port is open. */
  start(): void {
    if (!this.#closed) this.#timer ??= setInterval(() => this.poll(), PORT_POLL_MS);
  }

  /** Looks now. One read at a time (they are asynchronous: the event loop serves saves meanwhile); a request during one reads again after it. */
  poll(): void {
    if (this.#closed) return;
    if (this.#reading) {
      this.#again = true;
      return;
    }
    this.#reading = true;
    void this.#read()
      .catch((error: unknown) => console.error(`sandbox ${this.options.name}: reading its ports failed:`, error))
      .finally(() => {
        this.#reading = false;
        if (this.#again) {
          this.#again = false;
          this.poll();
        }
      });
  }

  async #read(): Promise<void> {
    const now = new Map<number, NetHolder>();
    for (const holder of this.options.holders()) {
      if (!holder.alive) continue;
      for (const port of await holder.listeningPorts()) if (!now.has(port)) now.set(port, holder);
    }
    if (this.#closed) return;
    for (const [port, holder] of this.#ports) {
      if (now.get(port) === holder) continue;
      holder.dropForwarder(port);
      this.#ports.delete(port);
      for (const l of this.#listeners) l.onPortClosed(port);
    }
    for (const [port, holder] of now) {
      if (this.#ports.has(port)) continue;
      this.#ports.set(port, holder);
      for (const l of this.#listeners) l.onServerReady(port);
    }
    if (!this.options.busy() && this.#ports.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }

  /** Stops polling and reports every open port closed. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#timer);
    for (const port of this.#ports.keys()) for (const l of this.#listeners) l.onPortClosed(port);
    this.#ports.clear();
  }
}
