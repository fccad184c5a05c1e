'use client';

import { useMonacoDiff } from '@/components/editor/use-monaco-diff';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';

/** Two versions of a file side by side in Monaco's diff editor, read-only. */
export function MonacoDiffDialog({ path, before, after, title, onClose }: { path: string; before: string; after: string; title: string; onClose: () => void }) {
  const host = useMonacoDiff(path, before, after);

  return (
    <Dialog open onClose={onClose} labelledBy="history-diff-title" className="w-[min(72rem,95vw)]">
      <div className="flex h-[70vh] flex-col">
        <div className="flex items-center gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-700">
          <h2 id="history-diff-title" className="flex-1 text-sm font-semibold">
            {path}: {title}
          </h2>
          <Button onClick={onClose}>Close</Button>
        </div>
        <div ref={host} data-testid="history-diff-editor" className="min-h-0 flex-1" />
      </div>
    </Dialog>
  );
}
