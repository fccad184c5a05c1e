'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useWorkbench } from '@/components/workbench/context';
import { isTypeScriptRelevant, type ModelRegistry } from '@/components/editor/models';
import { useTRPC } from '@/lib/trpc/client';

const MAX_MODELS = 400;
const BATCH = 16;

/**
 * Gives the TypeScript service the whole project: a model for each TS/JS/JSON file, loaded in
 * small batches through the Query cache (one cache for the editor and the service), and kept in
 * step with every newer copy that reaches the cache.
 */
export function useProjectModels(registry: ModelRegistry | null): void {
  const wb = useWorkbench();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const tree = useQuery(trpc.files.tree.queryOptions({ projectId: wb.projectId }));

  useEffect(() => {
    if (!registry) return;
    const projectId = wb.projectId;
    const readKey = trpc.files.read.pathKey();
    return queryClient.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated' || event.action.type !== 'success') return;
      const [path, meta] = event.query.queryKey as [unknown, { input?: { projectId?: string } } | undefined];
      if (JSON.stringify(path) !== JSON.stringify(readKey[0]) || meta?.input?.projectId !== projectId) return;
      const data = event.query.state.data as { path: string; content: string; encoding: string; version: number } | undefined;
      if (data?.encoding === 'utf8') registry.snapshot({ path: data.path, content: data.content, version: data.version });
    });
  }, [registry, queryClient, trpc, wb]);

  useEffect(() => {
    if (!registry || !tree.data) return;
    let cancelled = false;
    const relevant = tree.data.filter((f) => isTypeScriptRelevant(f.path, f.size)).slice(0, MAX_MODELS);
    registry.retain(new Set(relevant.map((f) => f.path)));
    (async () => {
      for (let i = 0; i < relevant.length && !cancelled; i += BATCH) {
        const batch = relevant.slice(i, i + BATCH);
        const results = await Promise.allSettled(
          batch.map(async (f) => {
            const options = trpc.files.read.queryOptions({ projectId: wb.projectId, path: f.path });
            const cached = queryClient.getQueryData(options.queryKey);
            const file = cached && cached.version >= f.version ? cached : await queryClient.fetchQuery({ ...options, staleTime: 0 });
            if (!cancelled && file.encoding === 'utf8') registry.snapshot({ path: file.path, content: file.content, version: file.version });
          }),
        );
        for (const r of results) if (r.status === 'rejected') console.warn('could not load a file for the TypeScript service:', r.reason);
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [registry, tree.data, queryClient, trpc, wb]);
}
