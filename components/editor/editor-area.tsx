'use client';

import { useStore } from '@nanostores/react';
import { CodeEditor } from '@/components/editor/code-editor';
import { ConflictBar } from '@/components/editor/conflict-bar';
import { EditorTabs } from '@/components/editor/editor-tabs';
import { useWorkbench } from '@/components/workbench/context';

export function EditorArea({ readOnly }: { readOnly: boolean }) {
  const wb = useWorkbench();
  const active = useStore(wb.editor.active);
  return (
    <section aria-label="Editor" className="flex h-full min-w-0 flex-col bg-white dark:bg-zinc-950">
      <EditorTabs />
      {active && <ConflictBar path={active} />}
      <div className="relative min-h-0 flex-1">
        <CodeEditor readOnly={readOnly} />
        {!active && (
          <div className="absolute inset-0 flex flex-col items-center justify-center gap-2 text-sm text-zinc-500">
            <p>Open a file from the explorer.</p>
            <p>
              <kbd className="rounded border border-zinc-300 px-1.5 font-sans dark:border-zinc-700">Ctrl</kbd> +{' '}
              <kbd className="rounded border border-zinc-300 px-1.5 font-sans dark:border-zinc-700">P</kbd> to find a file by name,{' '}
              <kbd className="rounded border border-zinc-300 px-1.5 font-sans dark:border-zinc-700">Ctrl</kbd> +{' '}
              <kbd className="rounded border border-zinc-300 px-1.5 font-sans dark:border-zinc-700">Shift</kbd> +{' '}
              <kbd className="rounded border border-zinc-300 px-1.5 font-sans dark:border-zinc-700">F</kbd> to search in files.
            </p>
          </div>
        )}
      </div>
    </section>
  );
}
