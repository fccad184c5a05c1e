'use client';

import { useStore } from '@nanostores/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { atom } from 'nanostores';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { Group, Panel, Separator, useDefaultLayout } from 'react-resizable-panels';
import { EditorCommands } from '@/components/editor/commands';
import { EditorArea } from '@/components/editor/editor-area';
import { editorShown } from '@/components/editor/monaco';
import { Explorer } from '@/components/files/explorer';
import { QuickOpen } from '@/components/files/quick-open';
import { ErrorPage } from '@/components/ui/error-page';
import { FilesIcon, HistoryIcon, SearchIcon } from '@/components/ui/icons';
import { ImageDropZone } from '@/components/agent/attachments';
import { SandboxNotice } from '@/components/workbench/sandbox-notice';
import { WorkbenchHeader } from '@/components/workbench/workbench-header';
import { AgentSlot, HistoryPanel, PreviewPanel, SearchPanel, SettingsDialog, ShareDialog, TerminalPanel } from '@/components/workbench/lazy-panels';
import { EditorCommandsContext, WorkbenchContext } from '@/components/workbench/context';
import { StatusBar } from '@/components/workbench/status-bar';
import { useCreateWorkbench } from '@/components/workbench/use-create-workbench';
import { useFileSync } from '@/components/workbench/use-file-sync';
import { useShortcuts } from '@/components/workbench/use-shortcuts';
import { useWorkshopView, type WorkshopView } from '@/components/workshop/use-workshop-view';
import { WorkshopBanner } from '@/components/workshop/workshop-banner';
import { appCodeOf } from '@/lib/autosave/backend';
import type { Journal } from '@/lib/autosave/journal';
import type { SandboxKind } from '@/lib/sandbox/types';
import type { SidebarView } from '@/lib/stores/editor';
import type { StageName, WorkbenchStore } from '@/lib/stores/workbench';
import { useTRPC } from '@/lib/trpc/client';
import { WorkbenchSkeleton } from '@/components/workbench/workbench-skeleton';

/** The IDE page: explorer | editor | preview over a terminal panel, the agent on the right. */
export function Workbench({ projectId, shared = false, journal }: { projectId: string; shared?: boolean; journal?: Journal }) {
  const trpc = useTRPC();
  const project = useQuery(trpc.project.byId.queryOptions({ projectId }));
  const { store, error } = useCreateWorkbench(projectId, { shared, journal });
  const workshop = useWorkshopView(projectId);
  const commands = useMemo(() => new EditorCommands(), []);
  const mainFile = project.data?.mainFile;
  useEffect(() => {
    // A first visit (no tabs remembered) shows the template's main file: code at once, from the database.
    if (store && mainFile && store.editor.tabs.get().length === 0) store.editor.open(mainFile);
  }, [store, mainFile]);

  if (project.error) {
    return <ErrorPage title="Project not available" message={project.error.message} backLabel="Back to my projects" />;
  }
  if (error) {
    return <ErrorPage title="The workbench could not start" message={error.message} />;
  }
  if (!store) return <WorkbenchSkeleton />;
  return (
    <WorkbenchContext.Provider value={store}>
      <EditorCommandsContext.Provider value={commands}>
        <WorkbenchLayout
          wb={store}
          title={project.data?.title ?? ''}
          forkedFrom={project.data?.forkedFrom}
          readOnly={shared || (project.data ? project.data.role === 'viewer' || workshop?.ended === true : false)}
          shared={shared}
          owner={project.data?.role === 'owner'}
          workshop={workshop}
        />
      </EditorCommandsContext.Provider>
    </WorkbenchContext.Provider>
  );
}

interface LayoutProps {
  wb: WorkbenchStore;
  title: string;
  forkedFrom?: { id: string; title: string } | null;
  readOnly: boolean;
  /** Opened through a share link: runs in the viewer's own sandbox, no agent. */
  shared: boolean;
  owner: boolean;
  workshop: WorkshopView | null;
}

function WorkbenchLayout({ wb, title, forkedFrom, readOnly, shared, owner, workshop }: LayoutProps) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const panels = useStore(wb.panels);
  const sidebar = useStore(wb.editor.sidebar);
  const [searchFocus, setSearchFocus] = useState(0);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [shareOpen, setShareOpen] = useState(false);
  const agent = panels.agent && !readOnly;
  const focusSearch = useCallback(() => setSearchFocus((n) => n + 1), []);
  useShortcuts(wb, focusSearch);
  useFileSync(wb);

  const manifest = useCallback(async () => {
    try {
      const file = await queryClient.fetchQuery(trpc.files.read.queryOptions({ projectId: wb.projectId, path: 'package.json' }));
      return file.encoding === 'utf8' ? file.content : null;
    } catch (error) {
      if (appCodeOf(error) === 'not_found:file') return null;
      throw error;
    }
  }, [queryClient, trpc, wb]);

  useEffect(() => {
    // A share-link holder boots too: in a sandbox of their own, with nothing saved back. The sandbox (a server
    // process or a WebContainer, and the sync's first reads) starts once the editor exists, not before: off Monaco's load.
    // (Deferring it further, to the page's first idle moment, was measured: no gain beyond the noise, and the host
    // sandbox's notice then pushed the tree down later, under a click.)
    let live = true;
    if (!readOnly || shared) void editorShown().then(() => (live ? wb.boot(manifest) : undefined));
    return () => {
      live = false;
    };
  }, [wb, manifest, readOnly, shared]);

  const retry = (stage: StageName) => {
    if (stage === 'editor') window.location.reload();
    else void wb.retry(stage, manifest);
  };

  const outerIds = ['sidebar', 'center', ...(agent ? ['agent'] : [])].filter((id) => id !== 'sidebar' || panels.sidebar);
  const outer = useDefaultLayout({ id: `ide-${wb.projectId}-outer`, panelIds: outerIds, storage: storageOrUndefined() });
  const centerIds = ['top', ...(panels.terminal ? ['bottom'] : [])];
  const center = useDefaultLayout({ id: `ide-${wb.projectId}-center`, panelIds: centerIds, storage: storageOrUndefined() });
  const topIds = ['editor', ...(panels.preview ? ['preview'] : [])];
  const top = useDefaultLayout({ id: `ide-${wb.projectId}-top`, panelIds: topIds, storage: storageOrUndefined() });

  // An image dropped anywhere on the workbench is attached to the next chat message.
  return (
    <ImageDropZone disabled={readOnly}>
    <div className="flex h-dvh flex-col overflow-hidden bg-white text-zinc-900 dark:bg-zinc-950 dark:text-zinc-100" data-testid="workbench">
      <WorkbenchHeader
        wb={wb}
        title={title}
        forkedFrom={forkedFrom}
        readOnly={readOnly}
        owner={owner}
        onRetry={retry}
        onShare={() => setShareOpen(true)}
        onSettings={() => setSettingsOpen(true)}
      />
      {wb.sandboxState && <SandboxNotice sandbox={wb.sandboxState} />}
      {workshop && <WorkshopBanner view={workshop} />}
      <div className="flex min-h-0 flex-1">
        <nav aria-label="Side bar views" className="flex w-11 shrink-0 flex-col items-center gap-1 border-r border-zinc-200 bg-zinc-50 py-2 dark:border-zinc-800 dark:bg-zinc-900">
          <ActivityButton label="Explorer (Ctrl+Shift+E)" active={panels.sidebar && sidebar === 'files'} onClick={() => toggleView(wb, 'files')}>
            <FilesIcon size={20} />
          </ActivityButton>
          <ActivityButton
            label="Search (Ctrl+Shift+F)"
            active={panels.sidebar && sidebar === 'search'}
            onClick={() => {
              toggleView(wb, 'search');
              focusSearch();
            }}
          >
            <SearchIcon size={20} />
          </ActivityButton>
          {!shared && (
            <ActivityButton label="History" active={panels.sidebar && sidebar === 'history'} onClick={() => toggleView(wb, 'history')}>
              <HistoryIcon size={20} />
            </ActivityButton>
          )}
        </nav>
        <Group orientation="horizontal" id={`ide-${wb.projectId}-outer`} className="min-w-0 flex-1" defaultLayout={outer.defaultLayout} onLayoutChanged={outer.onLayoutChanged}>
          {panels.sidebar && (
            <>
              <Panel id="sidebar" defaultSize="18%" minSize={170} maxSize="40%" className="bg-zinc-50 dark:bg-zinc-900">
                {sidebar === 'files' ? <Explorer title={title || 'Files'} readOnly={readOnly} /> : sidebar === 'history' && !shared ? <HistoryPanel readOnly={readOnly} /> : <SearchPanel focusKey={searchFocus} />}
              </Panel>
              <ResizeHandle orientation="horizontal" />
            </>
          )}
          <Panel id="center" minSize="30%">
            <Group orientation="vertical" id={`ide-${wb.projectId}-center`} defaultLayout={center.defaultLayout} onLayoutChanged={center.onLayoutChanged}>
              <Panel id="top" minSize="20%">
                <Group orientation="horizontal" id={`ide-${wb.projectId}-top`} defaultLayout={top.defaultLayout} onLayoutChanged={top.onLayoutChanged}>
                  <Panel id="editor" minSize="20%">
                    <EditorArea readOnly={readOnly} />
                  </Panel>
                  {panels.preview && (
                    <>
                      <ResizeHandle orientation="horizontal" />
                      <Panel id="preview" defaultSize="42%" minSize={220}>
                        <PreviewPanel />
                      </Panel>
                    </>
                  )}
                </Group>
              </Panel>
              {panels.terminal && (
                <>
                  <ResizeHandle orientation="vertical" />
                  <Panel id="bottom" defaultSize="32%" minSize={90}>
                    <TerminalPanel readOnly={readOnly} />
                  </Panel>
                </>
              )}
            </Group>
          </Panel>
          {agent && (
            <>
              <ResizeHandle orientation="horizontal" />
              <Panel id="agent" defaultSize="22%" minSize={240} maxSize="45%">
                <AgentSlot projectId={wb.projectId} agentOff={workshop && !workshop.agent ? workshop.title : undefined} />
              </Panel>
            </>
          )}
        </Group>
      </div>
      <WorkbenchStatus wb={wb} />
      <QuickOpen />
      {settingsOpen && <SettingsDialog projectId={wb.projectId} open={settingsOpen} onClose={() => setSettingsOpen(false)} />}
      {owner && shareOpen && <ShareDialog projectId={wb.projectId} open={shareOpen} onClose={() => setShareOpen(false)} />}
    </div>
    </ImageDropZone>
  );
}

function WorkbenchStatus({ wb }: { wb: WorkbenchStore }) {
  const kind = useStore(wb.sandboxState?.kind ?? NO_KIND);
  const reason = useStore(wb.sandboxState?.fallbackReason ?? NO_REASON);
  return <StatusBar sandboxKind={kind} fallbackReason={reason} />;
}
const NO_KIND = atom<SandboxKind | null>(null);
const NO_REASON = atom<string | null>(null);

function toggleView(wb: WorkbenchStore, view: SidebarView) {
  const open = wb.panels.get().sidebar;
  if (open && wb.editor.sidebar.get() === view) wb.togglePanel('sidebar', false);
  else {
    wb.togglePanel('sidebar', true);
    wb.editor.showSidebar(view);
  }
}

function ActivityButton({ label, active, onClick, children }: { label: string; active: boolean; onClick: () => void; children: ReactNode }) {
  return (
    <button
      type="button"
      aria-label={label}
      title={label}
      aria-pressed={active}
      onClick={onClick}
      className={`relative inline-flex size-9 items-center justify-center rounded-md focus-visible:outline-2 focus-visible:outline-indigo-500 ${
        active ? 'text-zinc-900 dark:text-zinc-100' : 'text-zinc-400 hover:text-zinc-700 dark:text-zinc-500 dark:hover:text-zinc-200'
      }`}
    >
      {active && <span aria-hidden="true" className="absolute top-1.5 bottom-1.5 -left-1 w-0.5 rounded bg-indigo-500" />}
      {children}
    </button>
  );
}

function ResizeHandle({ orientation }: { orientation: 'horizontal' | 'vertical' }) {
  return (
    <Separator
      className={`relative bg-zinc-200 outline-none data-[separator=active]:bg-indigo-500 data-[separator=hover]:bg-indigo-400 focus-visible:bg-indigo-500 dark:bg-zinc-800 ${
        orientation === 'horizontal' ? 'w-px' : 'h-px'
      }`}
    />
  );
}

function storageOrUndefined(): Storage | undefined {
  try {
    return window.localStorage;
  } catch {
    return undefined;
  }
}
