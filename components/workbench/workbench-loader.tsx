'use client';

import { HydrationBoundary, useQueryClient, type DehydratedState } from '@tanstack/react-query';
import dynamic from 'next/dynamic';
import { Suspense, use, useEffect, useState } from 'react';
import { editorSettled, loadMonaco, preloadMonaco } from '@/components/editor/monaco';
import { createIdbJournal, type IdbJournal } from '@/lib/autosave/idb-journal';
import { useTRPC } from '@/lib/trpc/client';
import { WorkbenchSkeleton } from '@/components/workbench/workbench-skeleton';

// The workbench renders in the browser only: its layout, tabs and drafts come from this browser's
// storage, and Monaco and xterm need the DOM. Loading it dynamically also keeps it out of other pages.
const loadWorkbench = () => import('@/components/workbench/workbench').then((m) => m.Workbench);
// Its chunk is requested as this module runs, while React still hydrates the page, not once hydration reaches it.
if (typeof window !== 'undefined') void loadWorkbench().catch(() => {}); // a failure shows when it renders
const Workbench = dynamic(loadWorkbench, { ssr: false, loading: () => <WorkbenchSkeleton /> });

export function WorkbenchLoader({ projectId, editorChunks, prefetched }: { projectId: string; editorChunks: string[]; prefetched: Promise<DehydratedState | null> }) {
  // The editor's module, the chunks it imports and its styles download beside the workbench's own chunks.
  preloadMonaco(editorChunks);
  // Monaco's modules are parsed and run while the workbench's chunk downloads and its stores start, not
  // after: the editor finds it loaded. A failure is the editor's to show (it asks again and says so).
  useEffect(() => void loadMonaco().catch(() => {}), []);
  // The autosave journal's database opens while the chunks download: its replay, which the editor waits
  // for before showing a file (a replayed draft must win), then finds it open. A failure is the replay's to report.
  const [journal] = useState(() => createIdbJournal());
  useEffect(() => void journal.open().catch(() => {}), [journal]);
  // The server's data streams in after the page's head: the chunks above start downloading without waiting for it.
  return (
    <Suspense fallback={<WorkbenchSkeleton />}>
      <PrefetchedWorkbench projectId={projectId} prefetched={prefetched} journal={journal} />
    </Suspense>
  );
}

function PrefetchedWorkbench({ projectId, prefetched, journal }: { projectId: string; prefetched: Promise<DehydratedState | null>; journal: IdbJournal }) {
  const queryClient = useQueryClient();
  const state = use(prefetched);
  // The server's snapshot (server/projects/workbench-prefetch.ts) is as old as the page. It is not fetched again
  // on load (that would be a second download and parse of it in the way of the first key): once the editor is in
  // use, the project and the tree are read again, and a file whose version moved meanwhile (a save made
  // elsewhere) is refetched by the tree's check (use-file-sync.ts), as at every tree poll. Unsent edits still win:
  // the editor takes a file's text only after the journal's replay (components/editor/code-editor.tsx).
  const trpc = useTRPC();
  useEffect(() => {
    let live = true;
    void editorSettled().then(() => {
      if (!live || !state) return;
      void queryClient.invalidateQueries(trpc.project.byId.queryFilter({ projectId }));
      void queryClient.invalidateQueries(trpc.files.tree.queryFilter({ projectId }));
    });
    return () => {
      live = false;
    };
  }, [state, queryClient, trpc, projectId]);
  return (
    <HydrationBoundary state={state}>
      <Workbench projectId={projectId} journal={journal} />
    </HydrationBoundary>
  );
}
