'use client';

import { useStore } from '@nanostores/react';
import { useRef } from 'react';
import { FileIcon } from '@/components/files/file-icon';
import { CloseIcon } from '@/components/ui/icons';
import { useWorkbench } from '@/components/workbench/context';
import { baseName } from '@/lib/files/path';
import type { SaveStatus } from '@/lib/stores/files';

const statusLabel: Partial<Record<SaveStatus, string>> = {
  dirty: 'unsaved changes',
  saving: 'saving',
  offline: 'not saved: offline',
  conflict: 'conflict',
  error: 'not saved: error',
};

/** The open files as tabs: arrow keys move between them, Delete or middle click closes one. */
export function EditorTabs() {
  const wb = useWorkbench();
  const tabs = useStore(wb.editor.tabs);
  const active = useStore(wb.editor.active);
  const docs = useStore(wb.files.documents);
  const list = useRef<HTMLDivElement>(null);

  const focusTab = (path: string | undefined) => {
    if (!path) return;
    wb.editor.activate(path);
    list.current?.querySelector<HTMLElement>(`[role="tab"][data-path="${CSS.escape(path)}"]`)?.focus();
  };

  if (tabs.length === 0) return <div className="h-9 shrink-0 border-b border-zinc-200 dark:border-zinc-800" />;

  return (
    <div
      ref={list}
      role="tablist"
      aria-label="Open files"
      className="flex h-9 shrink-0 overflow-x-auto border-b border-zinc-200 bg-zinc-50 [scrollbar-width:thin] dark:border-zinc-800 dark:bg-zinc-900"
    >
      {tabs.map((path, index) => {
        const selected = path === active;
        const status = docs[path]?.status ?? 'saved';
        const dirty = status !== 'saved';
        const name = baseName(path);
        // Same name open twice: show the folder too, as editors do.
        const ambiguous = tabs.some((p) => p !== path && baseName(p) === name);
        return (
          <div
            key={path}
            role="tab"
            aria-selected={selected}
            tabIndex={selected ? 0 : -1}
            title={path}
            data-testid="editor-tab"
            data-path={path}
            data-dirty={dirty ? 'true' : 'false'}
            data-status={status}
            onClick={() => wb.editor.activate(path)}
            onAuxClick={(e) => {
              if (e.button === 1) wb.editor.close(path);
            }}
            onKeyDown={(e) => {
              if (e.key === 'ArrowRight') focusTab(tabs[(index + 1) % tabs.length]);
              else if (e.key === 'ArrowLeft') focusTab(tabs[(index - 1 + tabs.length) % tabs.length]);
              else if (e.key === 'Delete') wb.editor.close(path);
              else return;
              e.preventDefault();
            }}
            draggable
            onDragStart={(e) => e.dataTransfer.setData('application/x-ide-tab', path)}
            onDragOver={(e) => {
              if (e.dataTransfer.types.includes('application/x-ide-tab')) e.preventDefault();
            }}
            onDrop={(e) => {
              const dragged = e.dataTransfer.getData('application/x-ide-tab');
              if (dragged) wb.editor.move(dragged, index);
            }}
            className={`group flex shrink-0 cursor-pointer items-center gap-1 border-r border-zinc-200 pr-1 pl-2 text-[13px] outline-none select-none focus-visible:ring-2 focus-visible:ring-indigo-500 focus-visible:ring-inset dark:border-zinc-800 ${
              selected
                ? 'bg-white text-zinc-900 shadow-[inset_0_2px_0_var(--color-indigo-500)] dark:bg-zinc-950 dark:text-zinc-100'
                : 'text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800'
            }`}
          >
            <FileIcon name={name} />
            <span className={status === 'conflict' ? 'text-amber-700 dark:text-amber-400' : ''}>{name}</span>
            {ambiguous && <span className="text-xs text-zinc-400">{path.slice(0, -name.length - 1) || '/'}</span>}
            {statusLabel[status] && <span className="sr-only">({statusLabel[status]})</span>}
            <button
              type="button"
              aria-label={`Close ${name}`}
              title={`Close ${name}`}
              data-testid="editor-tab-close"
              tabIndex={-1}
              onClick={(e) => {
                e.stopPropagation();
                if (dirty) void wb.files.save(path);
                wb.editor.close(path);
              }}
              className="group/close relative ml-1 inline-flex size-5 items-center justify-center rounded hover:bg-zinc-200 dark:hover:bg-zinc-700"
            >
              {dirty ? (
                <>
                  <span aria-hidden="true" className="size-2 rounded-full bg-zinc-500 group-hover/close:hidden dark:bg-zinc-300" />
                  <CloseIcon size={14} className="hidden group-hover/close:block" />
                </>
              ) : (
                <CloseIcon size={14} className={selected ? '' : 'opacity-0 group-hover:opacity-100'} />
              )}
            </button>
          </div>
        );
      })}
    </div>
  );
}
