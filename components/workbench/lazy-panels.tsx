'use client';

import dynamic from 'next/dynamic';
import { editorSettled } from '@/components/editor/monaco';

// The panels a keystroke does not need (terminal and xterm, preview, agent, search, settings) load once
// the editor is up (or has failed), so their chunks never compete with Monaco's on the way to the first
// typed key. Until then an open panel shows an empty placeholder.

const placeholder = (testId: string) =>
  function PanelLoading() {
    return <div className="h-full" data-testid={testId} aria-busy="true" />;
  };

export const TerminalPanel = dynamic(
  async () => (await editorSettled(), (await import('@/components/terminal/terminal-panel')).TerminalPanel),
  { ssr: false, loading: placeholder('terminal-panel-loading') },
);

export const PreviewPanel = dynamic(async () => (await editorSettled(), (await import('@/components/preview/preview-panel')).PreviewPanel), {
  ssr: false,
  loading: placeholder('preview-panel-loading'),
});

export const AgentSlot = dynamic(async () => (await editorSettled(), (await import('@/components/workbench/agent-slot')).AgentSlot), {
  ssr: false,
  loading: placeholder('agent-panel-loading'),
});

export const SearchPanel = dynamic(async () => (await import('@/components/files/search-panel')).SearchPanel, {
  ssr: false,
  loading: placeholder('search-panel-loading'),
});

export const HistoryPanel = dynamic(async () => (await import('@/components/history/history-panel')).HistoryPanel, {
  ssr: false,
  loading: placeholder('history-panel-loading'),
});

export const ShareDialog = dynamic(async () => (await import('@/components/share/share-dialog')).ShareDialog, { ssr: false });

export const SettingsDialog = dynamic(async () => (await import('@/components/workbench/settings-dialog')).SettingsDialog, { ssr: false });
