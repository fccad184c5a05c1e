// The sandbox port: the only way the app touches a sandbox. Two adapters implement it —
// WebContainer (in the user's tab) and the host sandbox (bubblewrap on the server, over a WebSocket) —
// and both are held to the suite in lib/sandbox/conformance.

export type Unsubscribe = () => void;

export type SandboxKind = 'webcontainer' | 'host';

/** off: no network; allowlist: only allowed hosts (default: the npm registry); full: anything. */
export type NetworkPolicy = 'off' | 'allowlist' | 'full';

export interface DirEntry {
  name: string;
  kind: 'file' | 'directory';
}

export type FsEvent =
  | { type: 'change' | 'add'; path: string }
  | { type: 'unlink' | 'addDir' | 'unlinkDir'; path: string };

export interface SandboxFs {
  readFile(path: string): Promise<Uint8Array>;
  readTextFile(path: string): Promise<string>;
  /** Creates parent folders as needed. */
  writeFile(path: string, data: Uint8Array | string): Promise<void>;
  mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  readdir(path: string): Promise<DirEntry[]>;
  rm(path: string, options?: { recursive?: boolean; force?: boolean }): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  /** Batched events for everything below `path` ('' or '.' for the whole workspace). Paths are workspace-relative. */
  watch(path: string, listener: (events: FsEvent[]) => void): Unsubscribe;
}

export interface SpawnOptions {
  /** Workspace-relative. */
  cwd?: string;
  env?: Record<string, string>;
  /** A real terminal (PTY) of this size; without it, plain pipes. */
  terminal?: { cols: number; rows: number };
  network?: NetworkPolicy;
  /** Wall-clock limit for non-interactive commands. */
  timeoutMs?: number;
}

export interface ExitInfo {
  code: number;
  /** Why the sandbox ended it, when it did: shown to the user and the agent. */
  reason?: 'killed' | 'timeout' | 'memory' | 'cpu' | 'processes' | 'file-size' | 'output' | 'disk' | 'teardown';
  message?: string;
}

export interface SandboxProcess {
  readonly id: string;
  /** Output chunks (stdout and stderr interleaved, as a terminal shows them). */
  onOutput(listener: (chunk: string) => void): Unsubscribe;
  write(data: string): void;
  resize(size: { cols: number; rows: number }): void;
  kill(): void;
  readonly exit: Promise<ExitInfo>;
}

export interface ServerReadyEvent {
  port: number;
  url: string;
}

export interface Sandbox {
  readonly kind: SandboxKind;
  readonly fs: SandboxFs;
  spawn(command: string, args?: string[], options?: SpawnOptions): Promise<SandboxProcess>;
  /** A dev server inside started listening (url is its preview URL, on its own origin). */
  onServerReady(listener: (event: ServerReadyEvent) => void): Unsubscribe;
  onPortClosed(listener: (port: number) => void): Unsubscribe;
  /** Writes a whole tree (path → contents) into the workspace. */
  mount(tree: Record<string, Uint8Array | string>): Promise<void>;
  /** Reads the workspace back, skipping what is rebuilt rather than authored (node_modules, .git, dist …). */
  exportTree(): Promise<Record<string, Uint8Array>>;
  /** Ends every process and releases the sandbox. */
  dispose(): Promise<void>;
}
