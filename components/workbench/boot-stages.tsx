'use client';

import { useStore } from '@nanostores/react';
import { AlertIcon, CheckIcon, SpinnerIcon } from '@/components/ui/icons';
import { useWorkbench } from '@/components/workbench/context';
import { STAGE_LABELS, STAGE_ORDER, type Stage, type StageName } from '@/lib/stores/workbench';

function formatMs(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Boot progress as a row of stages (editor, sandbox, install, dev server) with their timings.
 * A failed stage says what failed and offers a retry.
 */
export function BootStages({ onRetry }: { onRetry: (stage: StageName) => void }) {
  const wb = useWorkbench();
  const stages = useStore(wb.stages);
  return (
    <ol aria-label="Start-up" className="flex min-w-0 items-center gap-1 text-xs">
      {STAGE_ORDER.map((name, i) => (
        <li key={name} className="flex items-center gap-1">
          {i > 0 && <span aria-hidden="true" className="text-zinc-300 dark:text-zinc-700">›</span>}
          <StageChip name={name} stage={stages[name]} onRetry={() => onRetry(name)} />
        </li>
      ))}
    </ol>
  );
}

function StageChip({ name, stage, onRetry }: { name: StageName; stage: Stage; onRetry: () => void }) {
  const label = STAGE_LABELS[name];
  const time = formatMs(stage.ms);
  const description =
    stage.status === 'failed'
      ? `${label} failed: ${stage.error ?? 'unknown error'}`
      : stage.status === 'skipped'
        ? `${label} skipped: ${stage.detail ?? ''}`
        : `${label}: ${stage.status}${time ? `, ${time}` : ''}${stage.detail ? ` (${stage.detail})` : ''}`;
  const tone = {
    pending: 'text-zinc-400',
    running: 'text-amber-700 dark:text-amber-400',
    done: 'text-zinc-600 dark:text-zinc-400',
    failed: 'text-red-700 dark:text-red-400',
    skipped: 'text-zinc-400 line-through decoration-zinc-300',
  }[stage.status];
  return (
    <span data-testid="boot-stage" data-stage={name} data-status={stage.status} title={description} className={`flex items-center gap-1 whitespace-nowrap ${tone}`}>
      {stage.status === 'running' && <SpinnerIcon size={12} />}
      {stage.status === 'done' && <CheckIcon size={12} className="text-emerald-600 dark:text-emerald-400" />}
      {stage.status === 'failed' && <AlertIcon size={12} />}
      <span>{label}</span>
      {time && <span className="tabular-nums text-zinc-400">{time}</span>}
      <span className="sr-only">{description}</span>
      {stage.status === 'failed' && (
        <button
          type="button"
          onClick={onRetry}
          aria-label={`Retry ${label.toLowerCase()}`}
          className="ml-0.5 rounded border border-red-300 px-1.5 font-medium text-red-700 hover:bg-red-50 focus-visible:outline-2 focus-visible:outline-red-500 dark:border-red-800 dark:text-red-300 dark:hover:bg-red-950"
        >
          Retry
        </button>
      )}
    </span>
  );
}
