'use client';

import type { DragEvent, KeyboardEvent, MouseEvent } from 'react';
import { FileIcon, FolderIcon } from '@/components/files/file-icon';
import { NameInput } from '@/components/files/name-input';
import type { TreeRow as Row } from '@/components/files/tree-model';
import { MoreIcon } from '@/components/ui/icons';

export const TREE_DRAG_TYPE = 'application/x-ide-path';

/** One row of the file tree; the tree owns focus, selection and what the keys do. */
export function TreeRow({
  row,
  selected,
  focused,
  renaming,
  dropTarget,
  readOnly,
  onActivate,
  onFocus,
  onMenu,
  onRename,
  onCancelRename,
  onDragOverFolder,
  onDropOn,
}: {
  row: Row;
  selected: boolean;
  focused: boolean;
  renaming: boolean;
  dropTarget: boolean;
  readOnly: boolean;
  onActivate: (row: Row) => void;
  onFocus: (path: string) => void;
  onMenu: (row: Row, at: { x: number; y: number }) => void;
  onRename: (row: Row, name: string) => void;
  onCancelRename: () => void;
  onDragOverFolder: (folder: string | null) => void;
  onDropOn: (row: Row, e: DragEvent) => void;
}) {
  const folderOf = row.kind === 'directory' ? row.path : row.path.includes('/') ? row.path.slice(0, row.path.lastIndexOf('/')) : '';
  const openMenu = (e: MouseEvent) => {
    e.preventDefault();
    e.stopPropagation();
    onFocus(row.path);
    onMenu(row, { x: e.clientX, y: e.clientY });
  };
  return (
    <div
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.kind === 'directory' ? row.expanded : undefined}
      aria-selected={selected}
      aria-label={row.name + (row.pending ? ' (empty folder)' : '')}
      tabIndex={focused ? 0 : -1}
      data-testid="file-tree-item"
      data-path={row.path}
      data-kind={row.kind}
      draggable={!readOnly && !renaming}
      onClick={() => {
        onFocus(row.path);
        onActivate(row);
      }}
      onContextMenu={openMenu}
      onDragStart={(e) => {
        e.dataTransfer.setData(TREE_DRAG_TYPE, row.path);
        e.dataTransfer.effectAllowed = 'move';
      }}
      onDragOver={(e) => {
        if (readOnly) return;
        e.preventDefault();
        e.stopPropagation();
        onDragOverFolder(folderOf);
      }}
      onDrop={(e) => {
        e.preventDefault();
        e.stopPropagation();
        onDropOn(row, e);
      }}
      style={{ paddingLeft: 4 + row.depth * 12 }}
      className={`group flex h-[22px] cursor-pointer items-center pr-1 text-[13px] outline-none select-none focus-visible:ring-1 focus-visible:ring-indigo-500 focus-visible:ring-inset ${
        selected ? 'bg-indigo-100 text-zinc-900 dark:bg-indigo-950 dark:text-zinc-50' : 'hover:bg-zinc-200/60 dark:hover:bg-zinc-800/70'
      } ${dropTarget ? 'bg-indigo-50 dark:bg-indigo-950/50' : ''}`}
    >
      {row.kind === 'directory' ? <FolderIcon open={row.expanded} /> : <FileIcon name={row.name} />}
      {renaming ? (
        <NameInput
          label={`New name for ${row.name}`}
          initial={row.name}
          selectStem={row.kind === 'file'}
          onSubmit={(name) => onRename(row, name)}
          onCancel={onCancelRename}
        />
      ) : (
        <span className={`min-w-0 flex-1 truncate ${row.pending ? 'text-zinc-500 italic' : ''}`}>{row.name}</span>
      )}
      {!readOnly && !renaming && (
        <button
          type="button"
          tabIndex={-1}
          aria-label={`Actions for ${row.name}`}
          title="More actions"
          onClick={openMenu}
          className="invisible inline-flex size-5 items-center justify-center rounded text-zinc-500 group-hover:visible hover:bg-zinc-300/60 dark:hover:bg-zinc-700"
        >
          <MoreIcon size={14} />
        </button>
      )}
    </div>
  );
}

export function handleRowKeys(e: KeyboardEvent, handlers: Record<string, (() => void) | undefined>): void {
  const handler = handlers[e.key];
  if (!handler) return;
  e.preventDefault();
  e.stopPropagation();
  handler();
}
