'use client';

import { useStore } from '@nanostores/react';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ChatList } from '@/components/agent/chat-list';
import { Composer } from '@/components/agent/composer';
import { ContextMeter } from '@/components/agent/context-meter';
import { MemoryPanel } from '@/components/agent/memory-panel';
import { MessageList } from '@/components/agent/message-list';
import { PlanList } from '@/components/agent/plan-list';
import { UndoTurn } from '@/components/agent/undo-turn';
import { useAgentStore } from '@/components/agent/use-agent-store';
import { DesignLoop } from '@/components/design/design-loop';
import { Button } from '@/components/ui/button';
import { AgentIcon, AlertIcon, CloseIcon, PlusIcon, RefreshIcon } from '@/components/ui/icons';
import { IconButton } from '@/components/ui/icon-button';
import { useWorkbench } from '@/components/workbench/context';
import type { AgentFileWriter } from '@/lib/agent/environment';
import type { AgentStore } from '@/lib/stores/agent';
import { useTRPC } from '@/lib/trpc/client';

/** The agent panel of a project page. `files` replaces how the agent's writes are saved. */
export function AgentPanel({ files, readOnly: readOnlyProp }: { files?: AgentFileWriter; readOnly?: boolean }) {
  const wb = useWorkbench();
  const store = useAgentStore(wb, files);
  const trpc = useTRPC();
  // Viewers read the conversation; the turn endpoint refuses them anyway.
  const role = useQuery(trpc.sandbox.config.queryOptions({ projectId: wb.projectId })).data?.role;
  const readOnly = readOnlyProp ?? role === 'viewer';
  return (
    <section aria-label="Agent" data-testid="agent-panel" className="flex h-full flex-col bg-zinc-50 dark:bg-zinc-900">
      {store ? <PanelBody store={store} readOnly={readOnly} projectId={wb.projectId} /> : <Header store={null} />}
    </section>
  );
}

type Drawer = 'chats' | 'memory' | null;

function Header({ store, drawer, setDrawer }: { store: AgentStore | null; drawer?: Drawer; setDrawer?: (d: Drawer) => void }) {
  return (
    <header className="flex h-9 shrink-0 items-center gap-2 border-b border-zinc-200 px-2 dark:border-zinc-800">
      <h2 className="flex items-center gap-2 pl-1 text-[11px] font-semibold tracking-wider text-zinc-500 uppercase">
        <AgentIcon size={14} /> Agent
      </h2>
      {store && setDrawer && (
        <span className="flex gap-0.5">
          <button type="button" data-testid="agent-chats-toggle" aria-pressed={drawer === 'chats'} onClick={() => setDrawer(drawer === 'chats' ? null : 'chats')} className="rounded px-1.5 py-0.5 text-[11px] text-zinc-600 hover:bg-zinc-200 aria-pressed:bg-zinc-200 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:aria-pressed:bg-zinc-800">
            Chats
          </button>
          <button type="button" data-testid="agent-memory-toggle" aria-pressed={drawer === 'memory'} onClick={() => setDrawer(drawer === 'memory' ? null : 'memory')} className="rounded px-1.5 py-0.5 text-[11px] text-zinc-600 hover:bg-zinc-200 aria-pressed:bg-zinc-200 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:aria-pressed:bg-zinc-800">
            Memory
          </button>
        </span>
      )}
      {store && <HeaderTools store={store} />}
    </header>
  );
}

function HeaderTools({ store }: { store: AgentStore }) {
  const info = useStore(store.modelInfo);
  const model = useStore(store.model);
  const status = useStore(store.status);
  return (
    <div className="ml-auto flex min-w-0 items-center gap-1.5">
      {info && info.models.length > 0 && (
        <>
          <label htmlFor="agent-model" className="sr-only">
            Model
          </label>
          <select
            id="agent-model"
            data-testid="agent-model"
            value={model ?? ''}
            disabled={status === 'running'}
            onChange={(e) => store.pickModel(e.target.value)}
            className="max-w-[10rem] truncate rounded border border-zinc-300 bg-white px-1 py-0.5 text-[12px] dark:border-zinc-700 dark:bg-zinc-950"
          >
            {info.models.map((m) => (
              <option key={m} value={m}>
                {m}
              </option>
            ))}
          </select>
        </>
      )}
      <IconButton label="New chat" data-testid="agent-new-chat" disabled={status !== 'idle'} onClick={() => store.newChat()}>
        <PlusIcon size={14} />
      </IconButton>
    </div>
  );
}

function PanelBody({ store, readOnly, projectId }: { store: AgentStore; readOnly: boolean; projectId: string }) {
  const [drawer, setDrawer] = useState<Drawer>(null);
  return (
    <>
      <Header store={store} drawer={drawer} setDrawer={setDrawer} />
      {drawer === 'chats' && <ChatList store={store} projectId={projectId} readOnly={readOnly} />}
      {drawer === 'memory' && <MemoryPanel store={store} projectId={projectId} readOnly={readOnly} />}
      <ContextMeter store={store} readOnly={readOnly} />
      <Banner store={store} />
      <PlanList store={store} />
      <DesignLoop store={store} readOnly={readOnly} />
      <MessageList store={store} />
      <Feedback store={store} />
      {!readOnly && <UndoTurn store={store} />}
      <Composer store={store} readOnly={readOnly} />
    </>
  );
}

function Banner({ store }: { store: AgentStore }) {
  const banner = useStore(store.banner);
  const retrying = useStore(store.retrying);
  const status = useStore(store.status);
  if (retrying && status === 'running') {
    return (
      <p role="status" data-testid="agent-retrying" className="border-b border-amber-300 bg-amber-50 px-3 py-1.5 text-[12px] text-amber-900 dark:border-amber-800 dark:bg-amber-950/40 dark:text-amber-200">
        {retrying}
      </p>
    );
  }
  if (!banner) return null;
  const setup = banner.code === 'unavailable:model';
  return (
    <div role="alert" data-testid="agent-banner" data-code={banner.code} className="flex items-start gap-2 border-b border-red-200 bg-red-50 px-3 py-2 text-[12px] text-red-900 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
      <AlertIcon size={14} className="mt-0.5 shrink-0" />
      <div className="min-w-0 flex-1">
        <p className="font-medium">{setup ? 'No model is configured' : 'The agent stopped with an error'}</p>
        {/* The setup hint repeats the heading as its first sentence (it is also a turn's error text). */}
        <p className="mt-0.5 break-words">{setup ? banner.message.replace(/^No model is configured\.\s*/, '') : banner.message}</p>
        {banner.retryable && status === 'idle' && (
          <Button className="mt-1.5 !px-2 !py-0.5 text-xs" data-testid="agent-retry" onClick={() => void store.retry()}>
            <RefreshIcon size={12} /> Retry
          </Button>
        )}
      </div>
      {!setup && (
        <IconButton label="Dismiss" onClick={() => store.dismissBanner()}>
          <CloseIcon size={12} />
        </IconButton>
      )}
    </div>
  );
}

function Feedback({ store }: { store: AgentStore }) {
  const feedback = useStore(store.feedback);
  if (!feedback) return null;
  const spent = feedback.reason.startsWith('Fix budget used up');
  return (
    <p data-testid="agent-fix-budget" role="status" className={`border-t px-3 py-1 text-[11px] ${spent ? 'border-red-200 text-red-700 dark:border-red-900 dark:text-red-400' : 'border-zinc-200 text-zinc-500 dark:border-zinc-800'}`}>
      Automatic fixes: {feedback.used}/{feedback.budget}
      {spent && ' — budget used up; tell the agent how to continue.'}
    </p>
  );
}
