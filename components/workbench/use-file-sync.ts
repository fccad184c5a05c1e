'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { fileChannel } from '@/components/workbench/file-channel';
import { useTRPC } from '@/lib/trpc/client';
import type { WorkbenchStore } from '@/lib/stores/workbench';

const TREE_POLL_MS = 5000;

/**
 * Keeps the page in step with the server: the tree is polled while the page is visible, and a
 * file whose version moved (another tab, the sandbox, the agent) is refetched; tabs of files that
 * are gone close unless they hold unsaved edits (those become a conflict on save). Unsent edits
 * from the journal are replayed once, and the page warns before closing with unsaved edits.
 */
export function useFileSync(wb: WorkbenchStore): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projectId = wb.projectId;
  const tree = useQuery({ ...trpc.files.tree.queryOptions({ projectId }), refetchInterval: TREE_POLL_MS });

  useEffect(() => {
    if (!tree.data) return;
    const versions = new Map(tree.data.map((f) => [f.path, f.version]));
    for (const query of queryClient.getQueryCache().findAll({ queryKey: trpc.files.read.pathKey() })) {
      const input = (query.queryKey[1] as { input?: { projectId?: string; path?: string } } | undefined)?.input;
      const data = query.state.data as { version: number } | undefined;
      if (input?.projectId !== projectId || !input.path || !data) continue;
      const version = versions.get(input.path);
      if (version !== undefined && version > data.version) void queryClient.invalidateQueries({ queryKey: query.queryKey, exact: true });
    }
    // The sandbox follows the database: files changed or deleted elsewhere (another tab, the API).
    void wb.sandboxState?.sync?.reconcile(tree.data, tree.dataUpdatedAt).catch((e: unknown) => console.error('sandbox reconcile:', e));
    const docs = wb.files.documents.get();
    wb.editor.retain((path) => versions.has(path) || (docs[path] !== undefined && docs[path].status !== 'saved'));
  }, [tree.data, tree.dataUpdatedAt, queryClient, trpc, projectId, wb]);

  useEffect(() => {
    const channel = fileChannel(projectId);
    const off = channel.listen((message) => {
      if (message.type === 'saved') {
        const key = trpc.files.read.queryKey({ projectId, path: message.path });
        const cached = queryClient.getQueryData(key);
        if (!cached || cached.version < message.version) void queryClient.invalidateQueries({ queryKey: key, exact: true });
      }
      void queryClient.invalidateQueries({ queryKey: trpc.files.tree.queryKey({ projectId }) });
    });
    return () => {
      off();
      channel.close();
    };
  }, [projectId, queryClient, trpc]);

  useEffect(() => {
    let cancelled = false;
    wb.files.restore().then(
      (paths) => {
        if (!cancelled) for (const path of paths) if (!wb.editor.tabs.get().includes(path)) wb.editor.open(path);
      },
      (error: unknown) => console.error('could not replay the autosave journal:', error),
    );
    const onBeforeUnload = (e: BeforeUnloadEvent) => {
      if (!wb.files.hasUnsaved()) return;
      void wb.files.saveAll();
      e.preventDefault();
      // Older browsers show the prompt only when returnValue is set.
      e.returnValue = '';
    };
    const onOnline = () => wb.files.retryNow();
    window.addEventListener('beforeunload', onBeforeUnload);
    window.addEventListener('online', onOnline);
    return () => {
      cancelled = true;
      window.removeEventListener('beforeunload', onBeforeUnload);
      window.removeEventListener('online', onOnline);
    };
  }, [wb]);
}
