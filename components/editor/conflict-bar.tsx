'use client';

import { useStore } from '@nanostores/react';
import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { AlertIcon } from '@/components/ui/icons';
import { useWorkbench } from '@/components/workbench/context';
import { DiffDialog } from '@/components/editor/diff-dialog';

/**
 * Shown above the editor when the file changed on the server while this tab had unsaved edits.
 * Keep mine overwrites theirs; take theirs replaces the text as one undoable edit (Ctrl+Z brings
 * mine back). Either way, nothing typed is lost.
 */
export function ConflictBar({ path }: { path: string }) {
  const wb = useWorkbench();
  const state = useStore(wb.files.documents, { keys: [path] })[path];
  const [comparing, setComparing] = useState(false);
  const [busy, setBusy] = useState(false);
  if (state?.status !== 'conflict') return null;
  const deleted = state.theirs === null;

  const choose = async (choice: 'mine' | 'theirs') => {
    setBusy(true);
    try {
      await wb.files.resolveConflict(path, choice);
      if (choice === 'theirs' && deleted) wb.editor.close(path);
    } finally {
      setBusy(false);
      setComparing(false);
    }
  };

  return (
    <div
      role="alert"
      data-testid="conflict-bar"
      className="flex shrink-0 flex-wrap items-center gap-2 border-b border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950/60 dark:text-amber-100"
    >
      <AlertIcon className="shrink-0" />
      <p className="min-w-0 flex-1">
        {deleted
          ? `${path} was deleted elsewhere while you had unsaved changes.`
          : `${path} was changed elsewhere (version ${state.theirs?.version}) while you were editing it.`}{' '}
        Which version should stay?
      </p>
      <Button variant="primary" disabled={busy} onClick={() => void choose('mine')}>
        {deleted ? 'Keep my file' : 'Keep mine'}
      </Button>
      <Button disabled={busy} onClick={() => void choose('theirs')}>
        {deleted ? 'Delete it' : 'Take theirs'}
      </Button>
      {!deleted && (
        <Button disabled={busy} onClick={() => setComparing(true)}>
          Compare
        </Button>
      )}
      {comparing && state.theirs && (
        <DiffDialog
          path={path}
          theirs={state.theirs.content}
          mine={wb.files.draftOf(path) ?? ''}
          onClose={() => setComparing(false)}
          onChoose={(choice) => void choose(choice)}
        />
      )}
    </div>
  );
}
