'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { classifySaveError, createFilesBackend } from '@/lib/autosave/backend';
import { claimClientId, liveClientIds } from '@/lib/autosave/clients';
import { createIdbJournal } from '@/lib/autosave/idb-journal';
import type { Journal } from '@/lib/autosave/journal';
import type { SyncBackend } from '@/lib/sandbox/sync';
import { EditorStore } from '@/lib/stores/editor';
import { FilesStore, type FileSnapshot } from '@/lib/stores/files';
import { PreviewStore } from '@/lib/stores/preview';
import { SandboxStore } from '@/lib/stores/sandbox';
import { TerminalsStore } from '@/lib/stores/terminals';
import { WorkbenchStore } from '@/lib/stores/workbench';
import { useTRPC, useTRPCClient } from '@/lib/trpc/client';
import { fileChannel } from '@/components/workbench/file-channel';

/**
 * Builds the stores of one project page. Created in an effect (not during render) so React's
 * strict-mode double mount disposes the first set instead of sharing a disposed one.
 */
export function useCreateWorkbench(projectId: string, options: { shared?: boolean; journal?: Journal } = {}): { store: WorkbenchStore | null; error: Error | null } {
  const shared = options.shared ?? false;
  // The page's own journal when it opened one early (workbench-loader.tsx), else one of this workbench's.
  const [journal] = useState(() => options.journal ?? createIdbJournal());
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [store, setStore] = useState<WorkbenchStore | null>(null);
  const [error, setError] = useState<Error | null>(null);

  useEffect(() => {
    let disposed = false;
    let created: WorkbenchStore | undefined;
    let release: (() => void) | undefined;
    const channel = fileChannel(projectId);

    const onSaved = (s: FileSnapshot) => {
      // The server confirmed: the cache holds the saved text and version, other tabs hear of it.
      queryClient.setQueryData(trpc.files.read.queryKey({ projectId, path: s.path }), (old) =>
        old ? { ...old, content: s.content, encoding: 'utf8' as const, version: s.version } : old,
      );
      queryClient.setQueryData(trpc.files.tree.queryKey({ projectId }), (old) =>
        old?.map((f) => (f.path === s.path ? { ...f, version: s.version, size: new TextEncoder().encode(s.content).byteLength } : f)),
      );
      channel.post({ type: 'saved', path: s.path, version: s.version });
      void sandbox?.push(s.path, s.content).catch((e: unknown) => console.error('could not write the save into the sandbox:', e));
    };
    let sandbox: SandboxStore | undefined;

    (async () => {
      const claim = await claimClientId();
      release = claim.release;
      if (disposed) return;
      const storage = safeLocalStorage();
      // The server's prefetch serves the first boot; a retry asks again (the project's settings may have changed).
      let prefetched = queryClient.getQueryData(trpc.sandbox.config.queryKey({ projectId }));
      const bootConfig = (config: NonNullable<typeof prefetched>) => ({ ...config, preference: config.settings.sandbox });
      sandbox = new SandboxStore({
        config: async () => {
          const config = prefetched ?? (await client.sandbox.config.query({ projectId }));
          prefetched = undefined;
          return bootConfig(config);
        },
        knownConfig: prefetched && bootConfig(prefetched),
        deps: () => ({
          crossOriginIsolated: window.crossOriginIsolated,
          bootWebContainer: async () => {
            const wc = await import('@/lib/sandbox/webcontainer');
            return wc.createWebContainerSandbox(await wc.bootWebContainer());
          },
          bootHost: async () => (await import('@/lib/sandbox/host-client')).createHostSandbox({ projectId }),
        }),
        backend: syncBackend(client, projectId, shared, () =>
          void queryClient.invalidateQueries({ queryKey: trpc.files.tree.queryKey({ projectId }) }),
        ),
      });
      const files = new FilesStore({
        projectId,
        clientId: claim.clientId,
        backend: createFilesBackend(client, projectId),
        journal,
        classify: classifySaveError,
        liveClients: liveClientIds,
        onSaved,
      });
      created = new WorkbenchStore({
        projectId,
        files,
        editor: new EditorStore({ projectId, storage }),
        terminals: new TerminalsStore({ sandbox: sandbox.sandbox }),
        preview: new PreviewStore({ servers: sandbox.servers }),
        storage,
        sandbox: sandbox.sandbox,
        sandboxState: sandbox,
      });
      setStore(created);
    })().catch((e: unknown) => setError(e instanceof Error ? e : new Error(String(e))));

    return () => {
      disposed = true;
      created?.dispose();
      release?.();
      channel.close();
      setStore(null);
    };
  }, [projectId, shared, journal, client, trpc, queryClient]);

  return { store, error };
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    // Storage disabled (privacy mode, policy): layout and tabs are simply not remembered.
    return null;
  }
}

type Client = ReturnType<typeof useTRPCClient>;

/**
 * The sync's view of the database, through the tRPC client. A share-link holder's sandbox is their own
 * copy: what changes in it stays there (the server would refuse it anyway: sandbox.applyChanges is editor-only).
 */
function syncBackend(client: Client, projectId: string, shared: boolean, onChanged: () => void): SyncBackend {
  return {
    snapshot: () => client.sandbox.snapshot.query({ projectId }),
    read: (path) => client.files.read.query({ projectId, path }),
    async apply(changes) {
      if (shared) return { written: [], removed: [], skipped: [] };
      const result = await client.sandbox.applyChanges.mutate({ projectId, ...changes });
      onChanged();
      return result;
    },
  };
}
