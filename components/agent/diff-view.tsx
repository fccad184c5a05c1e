'use client';

import { useMemo } from 'react';
import { diffLines, diffStats, hunks } from '@/lib/agent/line-diff';

/** A unified diff of one file, before → after (null: absent). */
export function DiffView({ before, after, path }: { before: string | null; after: string | null; path: string }) {
  const lines = useMemo(() => diffLines(before, after), [before, after]);
  if (!lines) return <p className="px-2 py-1 text-xs text-zinc-500">The change to {path} is too large to show.</p>;
  const groups = hunks(lines);
  if (groups.length === 0) return <p className="px-2 py-1 text-xs text-zinc-500">No textual change.</p>;
  return (
    <div data-testid="diff-view" aria-label={`Changes to ${path}`} className="overflow-x-auto font-mono text-[11.5px] leading-[18px]">
      {groups.map((h, i) => (
        <div key={i}>
          <div className="bg-zinc-100 px-2 text-zinc-500 dark:bg-zinc-900">
            @@ -{h.oldStart} +{h.newStart} @@
          </div>
          {h.lines.map((l, j) => (
            <div
              key={j}
              data-diff={l.type}
              className={`px-2 whitespace-pre ${l.type === 'add' ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950/60 dark:text-emerald-200' : l.type === 'del' ? 'bg-red-50 text-red-900 dark:bg-red-950/60 dark:text-red-200' : 'text-zinc-600 dark:text-zinc-400'}`}
            >
              <span aria-hidden="true" className="inline-block w-3 select-none">
                {l.type === 'add' ? '+' : l.type === 'del' ? '-' : ' '}
              </span>
              <span className="sr-only">{l.type === 'add' ? 'added: ' : l.type === 'del' ? 'removed: ' : ''}</span>
              {l.text}
            </div>
          ))}
        </div>
      ))}
    </div>
  );
}

export function DiffStat({ before, after }: { before: string | null; after: string | null }) {
  const lines = useMemo(() => diffLines(before, after), [before, after]);
  if (!lines) return null;
  const { added, removed } = diffStats(lines);
  return (
    <span className="font-mono text-[11px]">
      <span className="text-emerald-700 dark:text-emerald-400">+{added}</span> <span className="text-red-700 dark:text-red-400">-{removed}</span>
    </span>
  );
}
