import type { Journal } from '@/lib/autosave/journal';
import { FilesStore, type FilesBackend, type FileSnapshot, type SaveFailure } from '@/lib/stores/files';

// Tests of the files store (files.test.ts, files-replay.test.ts): a save backend in memory and a store on it.
// A server in memory with the same rules as files.write: a version per file, stale writes refused.
export class FakeServer implements FilesBackend {
  files = new Map<string, { content: string; version: number }>();
  down = false;
  writes: { path: string; content: string; expectedVersion: number }[] = [];

  constructor(initial: Record<string, string>) {
    for (const [path, content] of Object.entries(initial)) this.files.set(path, { content, version: 1 });
  }
  async read(path: string): Promise<FileSnapshot | null> {
    if (this.down) throw new NetworkError();
    const f = this.files.get(path);
    return f ? { path, ...f } : null;
  }
  async write(path: string, content: string, expectedVersion: number) {
    if (this.down) throw new NetworkError();
    this.writes.push({ path, content, expectedVersion });
    const f = this.files.get(path);
    if (!f) throw new CodedError('gone');
    if (f.version !== expectedVersion) throw new CodedError('conflict');
    if (content.length > 1000) throw new CodedError('rejected');
    f.content = content;
    f.version++;
    return { version: f.version };
  }
  async create(path: string, content: string) {
    if (this.down) throw new NetworkError();
    if (this.files.has(path)) throw new CodedError('conflict');
    this.files.set(path, { content, version: 1 });
    return { version: 1 };
  }
  /** Another tab or the agent saving. */
  external(path: string, content: string): FileSnapshot {
    const f = this.files.get(path)!;
    f.content = content;
    f.version++;
    return { path, ...f };
  }
  snapshot(path: string): FileSnapshot {
    return { path, ...this.files.get(path)! };
  }
}
export class NetworkError extends Error {}
export class CodedError extends Error {
  constructor(readonly kind: SaveFailure) {
    super(kind);
  }
}
export const classify = (e: unknown): SaveFailure => (e instanceof CodedError ? e.kind : 'offline');

export function makeStore(server: FakeServer, journal: Journal, clientId = 'tab-1', live = new Set<string>()) {
  return new FilesStore({
    projectId: 'p1',
    clientId,
    backend: server,
    journal,
    classify,
    liveClients: async () => live,
    saveDelayMs: 5,
    journalDelayMs: 1,
    retryDelaysMs: [10, 20],
    onError: (e) => {
      throw e;
    },
  });
}

export const statusOf = (store: FilesStore, path: string) => store.documents.get()[path]?.status;
