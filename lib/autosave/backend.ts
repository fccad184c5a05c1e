import { TRPCClientError, type TRPCClient } from '@trpc/client';
import type { AppRouter } from '@/server/api/root';
import type { FilesBackend, SaveFailure } from '@/lib/stores/files';

/** The files store's server side: the tRPC files router. Binary files are never edited as text. */
export function createFilesBackend(client: TRPCClient<AppRouter>, projectId: string): FilesBackend {
  return {
    async read(path) {
      try {
        const file = await client.files.read.query({ projectId, path });
        if (file.encoding !== 'utf8') throw new Error(`"${path}" is binary and cannot be edited as text.`);
        return { path: file.path, content: file.content, version: file.version };
      } catch (error) {
        if (appCodeOf(error) === 'not_found:file') return null;
        throw error;
      }
    },
    write: (path, content, expectedVersion) => client.files.write.mutate({ projectId, path, content, expectedVersion }),
    create: (path, content) => client.files.create.mutate({ projectId, path, content }),
  };
}

export function appCodeOf(error: unknown): string | null {
  if (!(error instanceof TRPCClientError)) return null;
  const data = error.data as { appCode?: unknown } | undefined;
  return typeof data?.appCode === 'string' ? data.appCode : null;
}

/**
 * Which failures are worth retrying: no answer at all (network down, server restarting), a 5xx or
 * a rate limit. A conflict asks the user; a deleted file is a conflict with nothing on their side.
 */
export function classifySaveError(error: unknown): SaveFailure {
  if (!(error instanceof TRPCClientError)) return 'offline';
  const data = error.data as { code?: string; httpStatus?: number } | undefined;
  if (!data?.code) return 'offline';
  if (data.code === 'CONFLICT') return 'conflict';
  if (appCodeOf(error) === 'not_found:file') return 'gone';
  if ((data.httpStatus ?? 0) >= 500 || data.code === 'TOO_MANY_REQUESTS') return 'offline';
  return 'rejected';
}
