'use client';

import { useId, useState } from 'react';
import { CheckResult } from '@/components/agent/check-result';
import { DiffStat, DiffView } from '@/components/agent/diff-view';
import { Button } from '@/components/ui/button';
import { AlertIcon, CheckIcon, ChevronIcon, CloseIcon, SpinnerIcon } from '@/components/ui/icons';
import { cardTitle, type ToolCard as Card } from '@/lib/agent/history';
import type { ToolStatus } from '@/lib/agent/runner';

const STATUS_LABEL: Record<ToolStatus, string> = {
  queued: 'queued',
  approval: 'waiting for approval',
  running: 'running',
  done: 'done',
  failed: 'failed',
  denied: 'not allowed',
  skipped: 'skipped',
};

const MAX_SHOWN = 20_000;

function StatusIcon({ status }: { status: ToolStatus }) {
  if (status === 'running') return <SpinnerIcon size={14} className="text-indigo-500" />;
  if (status === 'done') return <CheckIcon size={14} className="text-emerald-600 dark:text-emerald-400" />;
  if (status === 'failed' || status === 'denied') return <CloseIcon size={14} className="text-red-600 dark:text-red-400" />;
  if (status === 'approval') return <AlertIcon size={14} className="text-amber-600 dark:text-amber-400" />;
  return <span aria-hidden="true" className="inline-block size-3.5 rounded-full border border-zinc-400" />;
}

/** One tool call: a header that folds the body, approval buttons while it waits for the user. */
export function ToolCard({ card, onApprove }: { card: Card; onApprove: (run: boolean) => void }) {
  const waiting = card.status === 'approval';
  const failed = card.status === 'failed';
  const [open, setOpen] = useState(false);
  const bodyId = useId();
  const shown = open || waiting;
  const detail = card.detail;
  const edits = card.name === 'edit_file' && Array.isArray(card.args?.edits) ? (card.args.edits as { search: string; replace: string }[]) : null;

  return (
    <div
      data-testid="tool-card"
      data-tool={card.name}
      data-status={card.status}
      className={`rounded-md border text-[12px] ${waiting ? 'border-amber-400 bg-amber-50/60 dark:border-amber-600 dark:bg-amber-950/30' : failed ? 'border-red-300 dark:border-red-900' : 'border-zinc-200 dark:border-zinc-800'} bg-white dark:bg-zinc-950`}
    >
      <button
        type="button"
        aria-expanded={shown}
        aria-controls={bodyId}
        onClick={() => setOpen(!open)}
        data-testid="tool-card-toggle"
        className="flex w-full items-center gap-2 px-2 py-1.5 text-left focus-visible:outline-2 focus-visible:outline-offset-[-2px] focus-visible:outline-indigo-500"
      >
        <ChevronIcon size={12} className={`shrink-0 text-zinc-400 transition-transform ${shown ? 'rotate-90' : ''}`} />
        <StatusIcon status={card.status} />
        <span className="min-w-0 flex-1 truncate font-mono" title={cardTitle(card)}>
          {cardTitle(card)}
        </span>
        {detail?.kind === 'file' && <DiffStat before={detail.before} after={detail.after} />}
        {detail?.kind === 'command' && detail.exitCode !== null && (
          <span className={`font-mono text-[11px] ${detail.exitCode === 0 ? 'text-zinc-500' : 'text-red-600 dark:text-red-400'}`}>exit {detail.exitCode}</span>
        )}
        <span className="sr-only">, {STATUS_LABEL[card.status]}</span>
        {card.status !== 'done' && (
          <span aria-hidden="true" className="shrink-0 text-[11px] text-zinc-500">
            {STATUS_LABEL[card.status]}
          </span>
        )}
      </button>
      {detail?.kind === 'check' && <CheckResult detail={detail} />}
      {shown && (
        <div id={bodyId} className="border-t border-zinc-200 dark:border-zinc-800">
          {card.reason && (
            <p className={`px-2 py-1 ${card.dangerous ? 'font-medium text-red-700 dark:text-red-400' : 'text-zinc-600 dark:text-zinc-400'}`} data-testid="tool-reason">
              {card.reason}
            </p>
          )}
          {waiting && typeof card.args?.command === 'string' && (
            <pre data-testid="tool-command" className="mx-2 mb-1.5 overflow-x-auto rounded border border-zinc-200 bg-white px-2 py-1 font-mono text-[11.5px] whitespace-pre-wrap dark:border-zinc-800 dark:bg-zinc-950">
              $ {card.args.command}
            </pre>
          )}
          {waiting && (
            <div className="flex gap-2 px-2 pb-2">
              <Button variant="primary" className="!px-2.5 !py-1 text-xs" data-testid="tool-approve" onClick={() => onApprove(true)}>
                Run
              </Button>
              <Button className="!px-2.5 !py-1 text-xs" data-testid="tool-skip" onClick={() => onApprove(false)}>
                Skip
              </Button>
            </div>
          )}
          {detail?.kind === 'file' ? (
            <DiffView before={detail.before} after={detail.after} path={detail.path} />
          ) : detail?.kind === 'command' ? (
            <Output text={detail.output || '(no output)'} />
          ) : edits && card.status === 'done' ? (
            edits.map((e, i) => <DiffView key={i} before={e.search} after={e.replace} path={String(card.args?.path)} />)
          ) : card.output ? (
            <Output text={card.output} />
          ) : null}
        </div>
      )}
    </div>
  );
}

function Output({ text }: { text: string }) {
  const cut = text.length > MAX_SHOWN;
  return (
    <pre data-testid="tool-output" className="max-h-64 overflow-auto px-2 py-1.5 font-mono text-[11.5px] leading-[17px] whitespace-pre-wrap text-zinc-700 dark:text-zinc-300">
      {cut ? `${text.slice(0, MAX_SHOWN / 2)}\n…\n${text.slice(-MAX_SHOWN / 2)}` : text}
    </pre>
  );
}
