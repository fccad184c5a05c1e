import type { DirectoryNode, FileNode, FileSystemTree } from '@webcontainer/api';

// Conversions between the port's flat trees (path → contents) and WebContainer's nested ones.

/** What is rebuilt rather than authored: never exported back. */
export const EXPORT_EXCLUDES = ['node_modules/**', '.git/**', 'dist/**', 'build/**', '.next/**', '.cache/**', 'coverage/**'];

export function toNestedTree(flat: Record<string, Uint8Array | string>): FileSystemTree {
  const root: FileSystemTree = {};
  for (const [path, contents] of Object.entries(flat)) {
    const parts = path.split('/').filter(Boolean);
    const name = parts.pop();
    if (!name) continue;
    let dir = root;
    for (const part of parts) {
      const node = dir[part];
      if (node && 'file' in node) throw new Error(`"${parts.join('/')}" is both a file and a folder`);
      if (!node) dir[part] = { directory: {} };
      dir = (dir[part] as DirectoryNode).directory;
    }
    dir[name] = { file: { contents } };
  }
  return root;
}

export function toFlatTree(tree: FileSystemTree, prefix = ''): Record<string, Uint8Array> {
  const out: Record<string, Uint8Array> = {};
  const encoder = new TextEncoder();
  for (const [name, node] of Object.entries(tree)) {
    const path = prefix ? `${prefix}/${name}` : name;
    if ('directory' in node) Object.assign(out, toFlatTree(node.directory, path));
    else if ('file' in node) {
      const file = (node as FileNode).file;
      if ('contents' in file) out[path] = typeof file.contents === 'string' ? encoder.encode(file.contents) : file.contents;
    }
  }
  return out;
}
