import 'server-only';
import { zipSync, type Zippable } from 'fflate';
import { createIgnore } from '@/lib/sandbox/ignore';

/** Files in, zip out: without dependencies, build output and what the project's .gitignore names. */
export function writeZip(files: { path: string; content: Uint8Array }[]): Uint8Array {
  const gitignore = files.find((f) => f.path === '.gitignore');
  const ignored = createIgnore(gitignore ? new TextDecoder().decode(gitignore.content) : null);
  const tree: Zippable = {};
  for (const f of files) if (!ignored(f.path)) tree[f.path] = [f.content, { level: 6 }];
  return zipSync(tree);
}

/** What the import keeps of an archive: the same rules as the export. */
export function withoutIgnored<T extends { path: string; content: Uint8Array }>(files: T[]): T[] {
  const gitignore = files.find((f) => f.path === '.gitignore');
  const ignored = createIgnore(gitignore ? new TextDecoder().decode(gitignore.content) : null);
  return files.filter((f) => !ignored(f.path));
}
