'use client';

import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { MonacoDiffDialog } from '@/components/history/monaco-diff-dialog';
import { useTRPC } from '@/lib/trpc/client';

const STATUS_STYLE = { added: 'text-emerald-600', removed: 'text-red-600', modified: 'text-amber-600' } as const;

/** The paths that differ between two checkpoints (or one and now); a click opens Monaco's diff editor. */
export function CheckpointDiff({ projectId, from, to }: { projectId: string; from: string; to: string }) {
  const trpc = useTRPC();
  const diff = useQuery(trpc.history.diff.queryOptions({ projectId, from, to }));
  const [open, setOpen] = useState<string | null>(null);
  return (
    <div data-testid="checkpoint-diff" className="max-h-[40%] shrink-0 overflow-y-auto border-t border-zinc-200 px-1 py-1 dark:border-zinc-800">
      <p className="px-2 text-[11px] text-zinc-500">{to === 'current' ? 'Changed since this checkpoint' : 'Changed between the two'}</p>
      {diff.data?.length === 0 && <p className="px-2 py-1 text-zinc-500">No differences.</p>}
      <ul>
        {diff.data?.map((c) => (
          <li key={c.path}>
            <button
              type="button"
              data-testid="diff-path"
              data-path={c.path}
              onClick={() => setOpen(c.path)}
              className="flex w-full items-center gap-2 rounded px-2 py-0.5 text-left font-mono text-[12px] hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              <span className="min-w-0 flex-1 truncate">{c.path}</span>
              <span className={`text-[11px] ${STATUS_STYLE[c.status]}`}>{c.status}</span>
            </button>
          </li>
        ))}
      </ul>
      {open && <FileDiff projectId={projectId} from={from} to={to} path={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function FileDiff({ projectId, from, to, path, onClose }: { projectId: string; from: string; to: string; path: string; onClose: () => void }) {
  const trpc = useTRPC();
  const file = useQuery(trpc.history.fileDiff.queryOptions({ projectId, from, to, path }));
  if (!file.data) return null;
  const text = (side: { content: string; encoding: 'utf8' | 'base64' } | null) =>
    side === null ? '' : side.encoding === 'utf8' ? side.content : `(binary file, ${Math.floor((side.content.length * 3) / 4)} bytes)`;
  return <MonacoDiffDialog path={path} before={text(file.data.before)} after={text(file.data.after)} title={to === 'current' ? 'checkpoint (left) and now (right)' : 'older (left) and newer (right)'} onClose={onClose} />;
}
