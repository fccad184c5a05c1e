'use client';

import { useStore } from '@nanostores/react';
import { useEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import { NameInput } from '@/components/files/name-input';
import { ancestors, buildTree, moveTarget, visibleRows, type TreeRow as Row } from '@/components/files/tree-model';
import { handleRowKeys, TREE_DRAG_TYPE, TreeRow } from '@/components/files/tree-row';
import { collectDropped, planUpload } from '@/components/files/upload';
import type { FileActions } from '@/components/files/use-file-actions';
import { ConfirmDialog } from '@/components/ui/dialog';
import { ContextMenu, type MenuItem } from '@/components/ui/menu';
import { useWorkbench } from '@/components/workbench/context';
import { baseName, isWithin, parentOf } from '@/lib/files/path';

export type Creating = { kind: 'file' | 'directory'; folder: string } | null;

/**
 * The project's files as a keyboard-navigable tree (arrows, Enter, F2, Delete, context menu key).
 * Drag a row onto a folder to move it; drop files or folders from the desktop to upload them.
 */
export function FileTree({
  paths,
  actions,
  readOnly,
  creating,
  onCreatingDone,
  onError,
  onNotice,
}: {
  paths: string[];
  actions: FileActions;
  readOnly: boolean;
  creating: Creating;
  onCreatingDone: () => void;
  onError: (message: string) => void;
  onNotice: (message: string) => void;
}) {
  const wb = useWorkbench();
  const expandedList = useStore(wb.expanded);
  const pending = useStore(wb.pendingFolders);
  const active = useStore(wb.editor.active);
  const expanded = useMemo(() => new Set(expandedList), [expandedList]);
  const rows = useMemo(() => visibleRows(buildTree(paths, pending), expanded), [paths, pending, expanded]);
  const [focused, setFocused] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<Row | null>(null);
  const [menu, setMenu] = useState<{ row: Row | null; at: { x: number; y: number } } | null>(null);
  const [dropFolder, setDropFolder] = useState<string | null>(null);
  const container = useRef<HTMLDivElement>(null);

  // The open file is revealed in the tree, its folders expanded (as editors' "auto reveal" does).
  const [revealed, setRevealed] = useState(active);
  if (active !== revealed) {
    setRevealed(active);
    if (active) setFocused(active);
  }
  useEffect(() => {
    if (active) for (const folder of ancestors(active)) wb.setExpanded(folder, true);
  }, [active, wb]);

  useEffect(() => {
    wb.prunePendingFolders((f) => !paths.some((p) => isWithin(p, f)));
  }, [paths, wb]);

  const focusRow = (path: string | undefined) => {
    if (!path) return;
    setFocused(path);
    container.current?.querySelector<HTMLElement>(`[data-testid="file-tree-item"][data-path="${CSS.escape(path)}"]`)?.focus();
  };

  const run = (what: string, task: Promise<unknown>) =>
    task.catch((error: unknown) => onError(`Could not ${what}: ${error instanceof Error ? error.message : String(error)}`));

  const activate = (row: Row) => {
    if (row.kind === 'directory') wb.setExpanded(row.path, !row.expanded);
    else wb.editor.open(row.path);
  };

  const rename = (row: Row, name: string) => {
    setRenaming(null);
    if (name.includes('/')) return onError('A name cannot contain "/"; drag the item to move it into another folder.');
    const parent = parentOf(row.path);
    void run(`rename ${row.name}`, actions.rename(row.path, parent ? `${parent}/${name}` : name));
  };

  const move = (from: string, folder: string) => {
    const to = moveTarget(from, folder);
    if (to) void run(`move ${baseName(from)}`, actions.rename(from, to));
  };

  const drop = async (folder: string, e: DragEvent) => {
    setDropFolder(null);
    if (readOnly) return;
    const dragged = e.dataTransfer.getData(TREE_DRAG_TYPE);
    if (dragged) return move(dragged, folder);
    if (!e.dataTransfer.types.includes('Files')) return;
    const picked = collectDropped(e.dataTransfer);
    await run('upload', (async () => {
      const plan = await planUpload(await picked, folder);
      const result = await actions.upload(plan.files);
      if (folder) wb.setExpanded(folder, true);
      const problems = [...plan.skipped.map((s) => `skipped ${s}`), ...result.failed];
      onNotice(`Uploaded ${result.created.length} file${result.created.length === 1 ? '' : 's'}.`);
      if (problems.length > 0) onError(`Some files were not uploaded: ${problems.join('; ')}`);
    })());
  };

  const menuItems = (row: Row | null): MenuItem[] => {
    const folder = row ? (row.kind === 'directory' ? row.path : parentOf(row.path)) : '';
    const items: MenuItem[] = [
      { label: 'New File…', onSelect: () => startCreate('file', folder) },
      { label: 'New Folder…', onSelect: () => startCreate('directory', folder) },
    ];
    if (row) {
      items.push({ label: 'Rename…', onSelect: () => setRenaming(row.path), shortcut: 'F2' });
      items.push({ label: 'Delete', onSelect: () => setConfirming(row), shortcut: 'Del', danger: true });
    }
    return items;
  };

  const [localCreating, setLocalCreating] = useState<Creating>(null);
  const startCreate = (kind: 'file' | 'directory', folder: string) => {
    if (folder) wb.setExpanded(folder, true);
    setLocalCreating({ kind, folder });
  };
  const create = creating ?? localCreating;
  const finishCreate = () => {
    setLocalCreating(null);
    onCreatingDone();
  };
  const submitCreate = (name: string) => {
    if (!create) return;
    const path = create.folder ? `${create.folder}/${name}` : name;
    finishCreate();
    if (create.kind === 'directory') actions.createFolder(path);
    else void run(`create ${name}`, actions.createFile(path));
  };

  const createRowIndex = create ? (create.folder ? rows.findIndex((r) => r.path === create.folder) + 1 : 0) : -1;
  const createDepth = create?.folder ? create.folder.split('/').length : 0;
  const focusTarget = focused && rows.some((r) => r.path === focused) ? focused : rows[0]?.path;

  return (
    <div
      ref={container}
      role="tree"
      aria-label="Files"
      data-testid="file-tree"
      className={`min-h-0 flex-1 overflow-auto pb-8 outline-none ${dropFolder === '' ? 'bg-indigo-50/70 dark:bg-indigo-950/40' : ''}`}
      onContextMenu={(e) => {
        if (readOnly) return;
        e.preventDefault();
        setMenu({ row: null, at: { x: e.clientX, y: e.clientY } });
      }}
      onDragOver={(e) => {
        if (readOnly) return;
        e.preventDefault();
        setDropFolder('');
      }}
      onDragLeave={(e) => {
        if (!e.currentTarget.contains(e.relatedTarget as Node | null)) setDropFolder(null);
      }}
      onDrop={(e) => {
        e.preventDefault();
        void drop('', e);
      }}
      onKeyDown={(e) => {
        const index = rows.findIndex((r) => r.path === focusTarget);
        const row = rows[index];
        if (!row || renaming || create) return;
        handleRowKeys(e, {
          ArrowDown: () => focusRow(rows[index + 1]?.path),
          ArrowUp: () => focusRow(rows[index - 1]?.path),
          Home: () => focusRow(rows[0]?.path),
          End: () => focusRow(rows[rows.length - 1]?.path),
          ArrowRight: () =>
            row.kind === 'directory' && !row.expanded ? wb.setExpanded(row.path, true) : row.kind === 'directory' && focusRow(rows[index + 1]?.path),
          ArrowLeft: () =>
            row.kind === 'directory' && row.expanded ? wb.setExpanded(row.path, false) : focusRow(parentOf(row.path) || undefined),
          Enter: () => activate(row),
          ' ': () => activate(row),
          F2: readOnly ? undefined : () => setRenaming(row.path),
          Delete: readOnly ? undefined : () => setConfirming(row),
          ContextMenu: readOnly ? undefined : () => openMenuFor(row),
        });
        if (e.key === 'F10' && e.shiftKey && !readOnly) {
          e.preventDefault();
          openMenuFor(row);
        }
      }}
    >
      {rows.length === 0 && !create && <p className="px-4 py-2 text-sm text-zinc-500">No files yet. Create one, or drop files here.</p>}
      {rows.map((row, i) => (
        <div key={row.path}>
          {i === createRowIndex && create && <CreateRow depth={createDepth} kind={create.kind} onSubmit={submitCreate} onCancel={finishCreate} />}
          <TreeRow
            row={row}
            selected={row.path === active}
            focused={row.path === focusTarget}
            renaming={row.path === renaming}
            dropTarget={dropFolder !== null && dropFolder !== '' && row.kind === 'directory' && row.path === dropFolder}
            readOnly={readOnly}
            onActivate={activate}
            onFocus={setFocused}
            onMenu={(r, at) => setMenu({ row: r, at })}
            onRename={rename}
            onCancelRename={() => {
              setRenaming(null);
              focusRow(row.path);
            }}
            onDragOverFolder={setDropFolder}
            onDropOn={(r, e) => void drop(r.kind === 'directory' ? r.path : parentOf(r.path), e)}
          />
        </div>
      ))}
      {create && createRowIndex >= rows.length && <CreateRow depth={createDepth} kind={create.kind} onSubmit={submitCreate} onCancel={finishCreate} />}
      {menu && <ContextMenu at={menu.at} label={menu.row ? `Actions for ${menu.row.name}` : 'File actions'} items={menuItems(menu.row)} onClose={() => setMenu(null)} />}
      <ConfirmDialog
        open={confirming !== null}
        title={`Delete ${confirming?.kind === 'directory' ? 'folder' : 'file'} "${confirming?.name}"?`}
        message={
          confirming?.kind === 'directory'
            ? `${confirming.path} and everything in it will be deleted.`
            : `${confirming?.path} will be deleted.`
        }
        confirmLabel="Delete"
        onCancel={() => setConfirming(null)}
        onConfirm={() => {
          const row = confirming;
          setConfirming(null);
          if (row) void run(`delete ${row.name}`, actions.remove(row.path));
        }}
      />
    </div>
  );

  function openMenuFor(row: Row) {
    const el = container.current?.querySelector<HTMLElement>(`[data-path="${CSS.escape(row.path)}"]`);
    const rect = el?.getBoundingClientRect();
    setMenu({ row, at: { x: (rect?.left ?? 0) + 24, y: rect?.bottom ?? 0 } });
  }
}

function CreateRow({ depth, kind, onSubmit, onCancel }: { depth: number; kind: 'file' | 'directory'; onSubmit: (name: string) => void; onCancel: () => void }) {
  return (
    <div className="flex h-[22px] items-center" style={{ paddingLeft: 4 + depth * 12 + 24 }}>
      <NameInput label={kind === 'file' ? 'New file name' : 'New folder name'} onSubmit={onSubmit} onCancel={onCancel} />
    </div>
  );
}
