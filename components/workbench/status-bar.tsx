'use client';

import { useStore } from '@nanostores/react';
import { AlertIcon, CheckIcon, CloudOffIcon, SpinnerIcon } from '@/components/ui/icons';
import { useEditorCommands, useWorkbench } from '@/components/workbench/context';
import type { SaveStatus } from '@/lib/stores/files';
import type { SandboxKind } from '@/lib/sandbox/types';

const saveText: Record<SaveStatus, string> = {
  saved: 'All changes saved',
  dirty: 'Unsaved changes',
  saving: 'Saving…',
  offline: 'Offline: changes kept in this browser',
  error: 'Not saved',
  conflict: 'Conflict',
};

/** Save state, sandbox state, problems, cursor position and language, VS Code style. */
export function StatusBar({ sandboxKind, fallbackReason }: { sandboxKind: SandboxKind | null; fallbackReason: string | null }) {
  const wb = useWorkbench();
  const commands = useEditorCommands();
  const save = useStore(wb.files.saveState);
  const docs = useStore(wb.files.documents);
  const stages = useStore(wb.stages);
  const problems = useStore(wb.preview.problems);
  const cursor = useStore(commands.cursor);
  const conflicts = Object.entries(docs).filter(([, d]) => d.status === 'conflict').map(([p]) => p);
  const errors = Object.values(docs).filter((d) => d.status === 'error' && d.error);
  const sandbox = stages.sandbox;

  return (
    <footer
      aria-label="Status"
      className="flex h-6 shrink-0 items-center gap-3 border-t border-zinc-200 bg-zinc-50 px-2 text-xs text-zinc-600 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-400"
    >
      <span role="status" data-testid="save-status" data-state={save} className="flex items-center gap-1" title={errors[0]?.error}>
        {save === 'saved' && <CheckIcon size={12} />}
        {save === 'saving' && <SpinnerIcon size={12} />}
        {save === 'offline' && <CloudOffIcon size={12} />}
        {(save === 'conflict' || save === 'error') && <AlertIcon size={12} className="text-red-600 dark:text-red-400" />}
        {saveText[save]}
        {save === 'error' && errors[0]?.error ? `: ${errors[0].error}` : ''}
      </span>
      {(save === 'offline' || save === 'error') && (
        <button type="button" className="underline hover:text-zinc-900 dark:hover:text-zinc-100" onClick={() => wb.files.retryNow()}>
          Retry now
        </button>
      )}
      {conflicts.map((path) => (
        <button
          key={path}
          type="button"
          onClick={() => wb.editor.open(path)}
          className="rounded bg-amber-200 px-1.5 text-amber-900 hover:bg-amber-300 dark:bg-amber-900 dark:text-amber-100"
        >
          Resolve conflict in {path}
        </button>
      ))}
      <span data-testid="sandbox-status" data-status={sandbox.status} data-kind={sandboxKind ?? ''} title={fallbackReason ?? undefined}>
        Sandbox: {sandbox.status === 'done' ? (sandboxKind === 'host' ? 'host' : sandboxKind === 'webcontainer' ? 'WebContainer' : 'ready') : sandbox.status}
        {fallbackReason && ' (fallback)'}
      </span>
      <button
        type="button"
        onClick={() => wb.showBottom('problems')}
        className="flex items-center gap-1 hover:text-zinc-900 dark:hover:text-zinc-100"
        aria-label={`${problems.length} problem${problems.length === 1 ? '' : 's'}; show the Problems list`}
      >
        <AlertIcon size={12} /> {problems.length}
      </button>
      <span className="flex-1" />
      {cursor && (
        <>
          <button
            type="button"
            title="Go to line (Ctrl+G)"
            onClick={() => commands.run('editor.action.gotoLine')}
            className="hover:text-zinc-900 dark:hover:text-zinc-100"
          >
            Ln {cursor.line}, Col {cursor.column}
          </button>
          <span>{cursor.language}</span>
          <button
            type="button"
            title="Format document (Shift+Alt+F)"
            onClick={() => commands.run('editor.action.formatDocument')}
            className="hover:text-zinc-900 dark:hover:text-zinc-100"
          >
            Format
          </button>
        </>
      )}
    </footer>
  );
}
