'use client';

import { useStore } from '@nanostores/react';
import { useQuery } from '@tanstack/react-query';
import { Button } from '@/components/ui/button';
import { AlertIcon } from '@/components/ui/icons';
import { useWorkbench } from '@/components/workbench/context';
import { useTRPC } from '@/lib/trpc/client';
import type { ProblemKind } from '@/lib/stores/preview';

const kindLabel: Record<ProblemKind, string> = {
  error: 'Error',
  unhandledrejection: 'Unhandled rejection',
  console: 'console.error',
  load: 'Failed to load',
};

/** Runtime errors the preview reported; those with a project file open it at the line. */
export function ProblemsList() {
  const wb = useWorkbench();
  const trpc = useTRPC();
  const problems = useStore(wb.preview.problems);
  const tree = useQuery(trpc.files.tree.queryOptions({ projectId: wb.projectId }));
  const known = new Set(tree.data?.map((f) => f.path));

  if (problems.length === 0) {
    return <p className="p-3 text-sm text-zinc-500">No problems reported by the preview.</p>;
  }
  return (
    <div className="flex h-full flex-col">
      <div className="flex items-center justify-between px-3 py-1">
        <p className="text-xs text-zinc-500">
          {problems.length} problem{problems.length === 1 ? '' : 's'} from the preview
        </p>
        <Button className="!px-2 !py-0.5 text-xs" onClick={() => wb.preview.clearProblems()}>
          Clear
        </Button>
      </div>
      <ul data-testid="problems-list" aria-label="Problems" className="min-h-0 flex-1 overflow-auto pb-2">
        {problems.map((p) => {
          const openable = p.file && known.has(p.file);
          const where = p.file ? `${p.file}${p.line ? `:${p.line}${p.column ? `:${p.column}` : ''}` : ''}` : '';
          return (
            <li key={p.id} data-testid="problem-item" data-kind={p.kind}>
              <button
                type="button"
                disabled={!openable}
                onClick={() => p.file && wb.editor.open(p.file, p.line ? { line: p.line, column: p.column } : undefined)}
                className="flex w-full items-start gap-2 px-3 py-1 text-left text-[13px] hover:bg-zinc-100 focus-visible:bg-indigo-100 focus-visible:outline-none disabled:cursor-default disabled:hover:bg-transparent dark:hover:bg-zinc-900 dark:focus-visible:bg-indigo-950"
              >
                <AlertIcon size={14} className="mt-0.5 shrink-0 text-red-600 dark:text-red-400" />
                <span className="min-w-0 flex-1">
                  <span className="font-mono break-words whitespace-pre-wrap">{p.message}</span>
                  <span className="block text-xs text-zinc-500">
                    {kindLabel[p.kind]}
                    {where && ` · ${where}`}
                    {p.count > 1 && ` · ×${p.count}`}
                  </span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
