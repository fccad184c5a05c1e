'use client';

import { useStore } from '@nanostores/react';
import Link from 'next/link';
import { ForkButton, ForkedFrom } from '@/components/share/fork-button';
import { ShareButton } from '@/components/share/share-button';
import { IconButton } from '@/components/ui/icon-button';
import { AgentIcon, MoreIcon, PreviewIcon, TerminalIcon } from '@/components/ui/icons';
import { BootStages } from '@/components/workbench/boot-stages';
import { StartWorkshop } from '@/components/workshop/start-workshop';
import type { StageName, WorkbenchStore } from '@/lib/stores/workbench';

/** The workbench's top bar: back to projects, title, fork and share, boot stages, workshop, panel toggles. */
export function WorkbenchHeader({
  wb,
  title,
  forkedFrom,
  readOnly,
  owner,
  onRetry,
  onShare,
  onSettings,
}: {
  wb: WorkbenchStore;
  title: string;
  forkedFrom?: { id: string; title: string } | null;
  readOnly: boolean;
  owner: boolean;
  onRetry: (stage: StageName) => void;
  onShare: () => void;
  onSettings: () => void;
}) {
  const panels = useStore(wb.panels);
  return (
    <header className="flex h-10 shrink-0 items-center gap-3 border-b border-zinc-200 bg-zinc-50 px-2 dark:border-zinc-800 dark:bg-zinc-900">
      {/* Not prefetched: the home page's payload would compete with the editor's chunks. */}
      <Link href="/" prefetch={false} className="rounded px-1.5 py-0.5 text-sm text-zinc-500 hover:bg-zinc-200 hover:text-zinc-900 dark:hover:bg-zinc-800 dark:hover:text-zinc-100">
        ← Projects
      </Link>
      <h1 data-testid="project-title" className="max-w-[24ch] truncate text-sm font-semibold">
        {title || '…'}
      </h1>
      <ForkedFrom source={forkedFrom} />
      <ForkButton projectId={wb.projectId} />
      {owner && <ShareButton onClick={() => onShare()} />}
      {readOnly && <span data-testid="read-only-badge" className="rounded bg-zinc-200 px-1.5 py-0.5 text-xs text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">read-only</span>}
      <div className="flex min-w-0 flex-1 justify-center overflow-hidden">
        <BootStages onRetry={onRetry} />
      </div>
      {owner && <StartWorkshop projectId={wb.projectId} projectTitle={title} />}
      <div role="group" aria-label="Panels" className="flex items-center">
        <IconButton label="Toggle terminal panel (Ctrl+`)" pressed={panels.terminal} onClick={() => wb.togglePanel('terminal')}>
          <TerminalIcon />
        </IconButton>
        <IconButton label="Toggle preview" pressed={panels.preview} onClick={() => wb.togglePanel('preview')}>
          <PreviewIcon />
        </IconButton>
        {!readOnly && (
          <IconButton label="Toggle agent panel" pressed={panels.agent} onClick={() => wb.togglePanel('agent')}>
            <AgentIcon />
          </IconButton>
        )}
        <IconButton label="Project settings" onClick={() => onSettings()}>
          <MoreIcon />
        </IconButton>
      </div>
    </header>
  );
}
