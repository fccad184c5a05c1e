'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useWorkbench } from '@/components/workbench/context';
import { useTRPC, useTRPCClient } from '@/lib/trpc/client';
import { isWithin } from '@/lib/files/path';
import type { UploadFile } from '@/components/files/upload';

/** Create, rename/move, delete and upload, each keeping the editor, autosave and caches in step. */
export function useFileActions() {
  const wb = useWorkbench();
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();

  return useMemo(() => {
    const projectId = wb.projectId;
    const refreshTree = () => queryClient.invalidateQueries({ queryKey: trpc.files.tree.queryKey({ projectId }) });
    const dropReads = (folder: string) =>
      queryClient.removeQueries({
        predicate: (q) => {
          const input = (q.queryKey[1] as { input?: { projectId?: string; path?: string } } | undefined)?.input;
          return input?.projectId === projectId && typeof input.path === 'string' && isWithin(input.path, folder);
        },
      });

    return {
      async createFile(path: string): Promise<void> {
        await client.files.create.mutate({ projectId, path, content: '' });
        await refreshTree();
        wb.editor.open(path);
      },

      createFolder(path: string): void {
        wb.addPendingFolder(path);
        wb.setExpanded(path, true);
      },

      /** Moves a file or a folder; its unsaved edits are saved first so nothing is left behind. */
      async rename(from: string, to: string): Promise<void> {
        if (from === to) return;
        const pending = wb.pendingFolders.get().filter((f) => isWithin(f, from));
        if (pending.length > 0 && !(await hasFiles(from))) {
          wb.prunePendingFolders((f) => !isWithin(f, from));
          for (const f of pending) wb.addPendingFolder(to + f.slice(from.length));
          return;
        }
        await wb.files.saveWithin(from);
        await client.files.rename.mutate({ projectId, from, to });
        wb.files.forget(from);
        wb.editor.renamed(from, to);
        for (const folder of wb.expanded.get()) {
          if (isWithin(folder, from)) {
            wb.setExpanded(folder, false);
            wb.setExpanded(to + folder.slice(from.length), true);
          }
        }
        dropReads(from);
        await refreshTree();
      },

      async remove(path: string): Promise<void> {
        wb.prunePendingFolders((f) => !isWithin(f, path));
        if (await hasFiles(path)) await client.files.remove.mutate({ projectId, path });
        wb.files.forget(path);
        wb.editor.removed(path);
        dropReads(path);
        await refreshTree();
      },

      /** Creates the uploaded files; those whose path is taken are reported, not overwritten. */
      async upload(files: UploadFile[]): Promise<{ created: string[]; failed: string[] }> {
        const results = await Promise.allSettled(files.map((f) => client.files.create.mutate({ projectId, ...f })));
        const created: string[] = [];
        const failed: string[] = [];
        results.forEach((r, i) => {
          const path = files[i]!.path;
          if (r.status === 'fulfilled') created.push(path);
          else failed.push(`${path}: ${r.reason instanceof Error ? r.reason.message : String(r.reason)}`);
        });
        await refreshTree();
        return { created, failed };
      },
    };

    async function hasFiles(folder: string): Promise<boolean> {
      const tree = await queryClient.fetchQuery(trpc.files.tree.queryOptions({ projectId: wb.projectId }));
      return tree.some((f) => isWithin(f.path, folder));
    }
  }, [wb, client, trpc, queryClient]);
}

export type FileActions = ReturnType<typeof useFileActions>;
