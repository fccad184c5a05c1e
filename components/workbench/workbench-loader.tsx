'use client';

import dynamic from 'next/dynamic';
import { useEffect } from 'react';
import { loadMonaco, preloadMonaco } from '@/components/editor/monaco';

// The workbench renders in the browser only: its layout, tabs and drafts come from this browser's
// storage, and Monaco and xterm need the DOM. Loading it dynamically also keeps it out of other pages.
const Workbench = dynamic(() => import('@/components/workbench/workbench').then((m) => m.Workbench), {
  ssr: false,
  loading: () => (
    <div className="flex h-dvh flex-col" aria-busy="true" aria-label="Loading the workbench">
      <div className="h-10 border-b border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
      <div className="flex flex-1">
        <div className="w-11 border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
        <div className="w-56 border-r border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
        <div className="flex-1" />
      </div>
      <div className="h-6 border-t border-zinc-200 bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900" />
    </div>
  ),
});

export function WorkbenchLoader({ projectId, editorChunks }: { projectId: string; editorChunks: string[] }) {
  // The editor's module, the chunks it imports and its styles download beside the workbench's own chunks.
  preloadMonaco(editorChunks);
  // Monaco's modules are parsed and run while the workbench's chunk downloads and its stores start, not
  // after: the editor finds it loaded. A failure is the editor's to show (it asks again and says so).
  useEffect(() => void loadMonaco().catch(() => {}), []);
  return <Workbench projectId={projectId} />;
}
