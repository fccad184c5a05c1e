'use client';

import { useStore } from '@nanostores/react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { CheckpointDiff } from '@/components/history/checkpoint-diff';
import { ExportZip } from '@/components/history/export-zip';
import { Button } from '@/components/ui/button';
import { useWorkbench } from '@/components/workbench/context';
import { errorText } from '@/lib/errors';
import { useTRPC } from '@/lib/trpc/client';

const KIND_LABEL = { turn_start: 'before turn', turn_end: 'after turn', manual: 'saved', restore: 'before restore' } as const;

/** The project's checkpoints: pick one (against now) or two to compare, restore one, undo the last agent turn. */
export function HistoryPanel({ readOnly }: { readOnly: boolean }) {
  const wb = useWorkbench();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const projectId = wb.projectId;
  const chatId = useStore(wb.agentChat);
  const list = useQuery({ ...trpc.history.list.queryOptions({ projectId }), refetchInterval: 10_000 });
  const [picked, setPicked] = useState<string[]>([]);
  const [error, setError] = useState<string | null>(null);

  const refresh = () => {
    void queryClient.invalidateQueries({ queryKey: trpc.history.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.files.pathKey() });
  };
  const onError = (e: unknown) => setError(errorText(e));
  const save = useMutation(trpc.history.create.mutationOptions({ onSuccess: refresh, onError }));
  const afterRestore = (result: { chatId: string | null }) => {
    setError(null);
    setPicked([]);
    refresh();
    wb.showAgentChat(result.chatId);
  };
  const restore = useMutation(trpc.history.restore.mutationOptions({ onSuccess: afterRestore, onError }));
  const undo = useMutation(trpc.history.undoLastTurn.mutationOptions({ onSuccess: afterRestore, onError }));
  const busy = save.isPending || restore.isPending || undo.isPending;

  const checkpoints = list.data ?? [];
  const toggle = (id: string) => setPicked((p) => (p.includes(id) ? p.filter((x) => x !== id) : [...p, id].slice(-2)));
  // Older on the left: the list is newest first.
  const order = (ids: string[]) => [...ids].sort((a, b) => checkpoints.findIndex((c) => c.id === b) - checkpoints.findIndex((c) => c.id === a));
  const [from, to] = picked.length === 2 ? order(picked) : [picked[0], 'current' as const];

  return (
    <section aria-label="History" data-testid="history-panel" className="flex h-full flex-col text-[13px]">
      <header className="flex h-9 shrink-0 items-center justify-between gap-2 px-3">
        <h2 className="text-[11px] font-semibold tracking-wider text-zinc-500 uppercase">History</h2>
        <ExportZip projectId={projectId} />
      </header>
      {!readOnly && (
        <div className="flex gap-2 px-3 pb-2">
          <Button className="flex-1 !px-2 !py-1 text-xs" data-testid="save-checkpoint" disabled={busy} onClick={() => save.mutate({ projectId, chatId, message: 'Saved checkpoint' })}>
            Save checkpoint
          </Button>
          <Button className="flex-1 !px-2 !py-1 text-xs" data-testid="history-undo-turn" title="Undo last agent turn" disabled={busy} onClick={() => undo.mutate({ projectId, chatId })}>
            Undo last turn
          </Button>
        </div>
      )}
      {error && (
        <p role="alert" data-testid="history-error" className="mx-3 mb-2 rounded bg-red-50 px-2 py-1 text-[12px] text-red-800 dark:bg-red-950/40 dark:text-red-200">
          {error}
        </p>
      )}
      <p className="px-3 pb-1 text-[11px] text-zinc-500">{picked.length === 0 ? 'Pick one checkpoint to compare with now, or two.' : `${picked.length} picked`}</p>
      <ol className="min-h-0 flex-1 overflow-y-auto px-1" data-testid="checkpoint-list">
        {checkpoints.map((c) => (
          <li key={c.id} data-testid="checkpoint-row" data-kind={c.kind} className="flex items-center gap-2 rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800">
            <input type="checkbox" aria-label={`Compare "${c.message}"`} checked={picked.includes(c.id)} onChange={() => toggle(c.id)} />
            <div className="min-w-0 flex-1">
              <p className="truncate" title={c.message}>
                {c.message}
              </p>
              <p className="text-[11px] text-zinc-500">
                {KIND_LABEL[c.kind]} · {new Date(c.createdAt).toLocaleTimeString()} · {c.fileCount} files
              </p>
            </div>
            {!readOnly && (
              <Button className="!px-1.5 !py-0.5 text-[11px]" data-testid="restore-checkpoint" disabled={busy} onClick={() => restore.mutate({ projectId, checkpointId: c.id, chatId })}>
                Restore
              </Button>
            )}
          </li>
        ))}
        {list.isSuccess && checkpoints.length === 0 && <li className="px-2 py-1 text-zinc-500">No checkpoints yet: one is saved before and after every agent turn.</li>}
      </ol>
      {from && <CheckpointDiff projectId={projectId} from={from} to={to ?? 'current'} />}
    </section>
  );
}
