// Tabs of the same browser tell each other about saves, so a clean copy of the file in another
// tab refreshes at once instead of at its next poll.

export type FileMessage = { type: 'saved'; path: string; version: number } | { type: 'tree-changed' };

export interface FileChannel {
  post(message: FileMessage): void;
  listen(listener: (message: FileMessage) => void): () => void;
  close(): void;
}

export function fileChannel(projectId: string): FileChannel {
  if (typeof BroadcastChannel === 'undefined') return { post() {}, listen: () => () => {}, close() {} };
  const channel = new BroadcastChannel(`ide-files:${projectId}`);
  return {
    post: (message) => channel.postMessage(message),
    listen(listener) {
      const handler = (e: MessageEvent) => {
        const m = e.data as Partial<FileMessage> | null;
        if (m?.type === 'saved' && typeof m.path === 'string' && typeof m.version === 'number') listener(m as FileMessage);
        else if (m?.type === 'tree-changed') listener({ type: 'tree-changed' });
      };
      channel.addEventListener('message', handler);
      return () => channel.removeEventListener('message', handler);
    },
    close: () => channel.close(),
  };
}
