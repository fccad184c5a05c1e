import { baseName, isWithin, parentOf } from '@/lib/files/path';

// Turns the flat list of file paths the server keeps into the nested rows the tree shows.

export interface TreeRow {
  path: string;
  name: string;
  kind: 'file' | 'directory';
  depth: number;
  expanded: boolean;
  /** A folder made in the tree that holds no file yet. */
  pending: boolean;
}

interface Node {
  name: string;
  path: string;
  kind: 'file' | 'directory';
  pending: boolean;
  children: Map<string, Node>;
}

/** Folders first, then files, each by name the way people sort (file2 before file10). */
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

export function buildTree(files: readonly string[], pendingFolders: readonly string[] = []): Node {
  const root: Node = { name: '', path: '', kind: 'directory', pending: false, children: new Map() };
  const ensureFolder = (path: string, pending: boolean): Node => {
    let node = root;
    let current = '';
    for (const segment of path.split('/')) {
      current = current ? `${current}/${segment}` : segment;
      let next = node.children.get(segment);
      if (!next) {
        next = { name: segment, path: current, kind: 'directory', pending, children: new Map() };
        node.children.set(segment, next);
      }
      node = next;
    }
    return node;
  };
  for (const folder of pendingFolders) ensureFolder(folder, true);
  for (const file of files) {
    const parent = parentOf(file);
    const folder = parent ? ensureFolder(parent, false) : root;
    folder.children.set(baseName(file), { name: baseName(file), path: file, kind: 'file', pending: false, children: new Map() });
  }
  // A pending folder that received files is a real one now.
  const settle = (node: Node): boolean => {
    let hasFile = node.kind === 'file';
    for (const child of node.children.values()) hasFile = settle(child) || hasFile;
    if (hasFile) node.pending = false;
    return hasFile;
  };
  settle(root);
  return root;
}

function sorted(node: Node): Node[] {
  return [...node.children.values()].sort((a, b) =>
    a.kind !== b.kind ? (a.kind === 'directory' ? -1 : 1) : collator.compare(a.name, b.name),
  );
}

/** The visible rows, depth first, descending only into expanded folders. */
export function visibleRows(root: Node, expanded: ReadonlySet<string>): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (node: Node, depth: number) => {
    for (const child of sorted(node)) {
      const open = child.kind === 'directory' && expanded.has(child.path);
      rows.push({ path: child.path, name: child.name, kind: child.kind, depth, expanded: open, pending: child.pending });
      if (open) walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return rows;
}

/** Every folder on the way to a path, so revealing a file can expand them. */
export function ancestors(path: string): string[] {
  const parts = path.split('/');
  return parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** Where a moved item lands: into `folder` ('' is the root), keeping its name. Null when it cannot move there. */
export function moveTarget(from: string, folder: string): string | null {
  if (isWithin(folder, from) || parentOf(from) === folder) return null;
  return folder ? `${folder}/${baseName(from)}` : baseName(from);
}
