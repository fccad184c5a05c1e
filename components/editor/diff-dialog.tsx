'use client';

import { useMonacoDiff } from '@/components/editor/use-monaco-diff';
import { Button } from '@/components/ui/button';
import { Dialog } from '@/components/ui/dialog';

/** Their version beside mine in Monaco's diff editor, with the same two choices. */
export function DiffDialog({
  path,
  theirs,
  mine,
  onClose,
  onChoose,
}: {
  path: string;
  theirs: string;
  mine: string;
  onClose: () => void;
  onChoose: (choice: 'mine' | 'theirs') => void;
}) {
  const host = useMonacoDiff(path, theirs, mine);

  return (
    <Dialog open onClose={onClose} labelledBy="diff-title" className="w-[min(72rem,95vw)]">
      <div className="flex h-[70vh] flex-col">
        <div className="flex items-center gap-3 border-b border-zinc-200 px-4 py-2 dark:border-zinc-700">
          <h2 id="diff-title" className="flex-1 text-sm font-semibold">
            {path}: theirs (left) and mine (right)
          </h2>
          <Button variant="primary" onClick={() => onChoose('mine')}>
            Keep mine
          </Button>
          <Button onClick={() => onChoose('theirs')}>Take theirs</Button>
          <Button onClick={onClose}>Close</Button>
        </div>
        <div ref={host} className="min-h-0 flex-1" />
      </div>
    </Dialog>
  );
}
