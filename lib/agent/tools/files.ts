import type { ToolArgs } from '@/lib/agent/protocol';
import { folderPath, projectPath, SKIPPED_DIRS, ToolError, writablePath, type ToolContext, type ToolOutcome } from '@/lib/agent/tools/context';
import { numberLines } from '@/lib/agent/tools/output';
import { FILE_LIMITS } from '@/lib/files/limits';
import { baseName, parentOf } from '@/lib/files/path';
import type { DirEntry, SandboxFs } from '@/lib/sandbox/types';

// The file tools. Reads go to the sandbox (the working copy commands see); writes go through the
// environment's writer so they are saved like a user's edit, and every change is recorded for the
// turn's diff and "revert this turn".

export const FILE_TOOL_LIMITS = {
  maxListEntries: 500,
  maxReadLines: 2000,
  maxReadChars: 100_000,
  maxSearchFiles: 5000,
  maxSearchFileBytes: 1024 * 1024,
  maxRevertBytes: 5 * 1024 * 1024,
} as const;

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The text of a file, null when it does not exist; throws ToolError for folders and binary files. */
export async function readText(fs: SandboxFs, path: string): Promise<string | null> {
  const kind = await kindOf(fs, path);
  if (kind === null) return null;
  if (kind === 'directory') throw new ToolError(`"${path}" is a folder, not a file.`);
  const bytes = await fs.readFile(path);
  if (bytes.includes(0)) throw new ToolError(`"${path}" is a binary file (${bytes.byteLength} bytes).`);
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new ToolError(`"${path}" is not UTF-8 text (${bytes.byteLength} bytes).`);
  }
}

export async function kindOf(fs: SandboxFs, path: string): Promise<DirEntry['kind'] | null> {
  let entries: DirEntry[];
  try {
    entries = await fs.readdir(parentOf(path) || '.');
  } catch {
    return null;
  }
  return entries.find((e) => e.name === baseName(path))?.kind ?? null;
}

/** Files below a folder, depth first, skipping rebuilt folders; stops after `limit`. */
async function walk(fs: SandboxFs, folder: string, limit: number, out: { path: string; kind: DirEntry['kind'] }[] = []) {
  let entries: DirEntry[];
  try {
    entries = await fs.readdir(folder);
  } catch {
    throw new ToolError(`No folder "${folder}".`);
  }
  entries.sort((a, b) => (a.kind === b.kind ? a.name.localeCompare(b.name) : a.kind === 'directory' ? -1 : 1));
  for (const entry of entries) {
    if (out.length >= limit) return out;
    const path = folder === '.' ? entry.name : `${folder}/${entry.name}`;
    if (entry.kind === 'directory' && SKIPPED_DIRS.has(entry.name)) continue;
    out.push({ path, kind: entry.kind });
    if (entry.kind === 'directory') await walk(fs, path, limit, out);
  }
  return out;
}

export async function listFiles(ctx: ToolContext, args: ToolArgs<'list_files'>): Promise<ToolOutcome> {
  const folder = folderPath(args.path);
  const limit = FILE_TOOL_LIMITS.maxListEntries;
  let entries: { path: string; kind: DirEntry['kind'] }[];
  if (args.recursive) entries = await walk(ctx.sandbox.fs, folder, limit + 1);
  else {
    const listed = await ctx.sandbox.fs.readdir(folder).catch(() => {
      throw new ToolError(`No folder "${folder}".`);
    });
    entries = listed
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({ path: folder === '.' ? e.name : `${folder}/${e.name}`, kind: e.kind }));
  }
  const cut = entries.length > limit;
  const lines = entries.slice(0, limit).map((e) => (e.kind === 'directory' ? `${e.path}/` : e.path));
  if (lines.length === 0) return { ok: true, output: `"${folder}" is empty.` };
  if (cut) lines.push(`… more than ${limit} entries; list a subfolder to see the rest.`);
  return { ok: true, output: lines.join('\n') };
}

export async function readFile(ctx: ToolContext, args: ToolArgs<'read_file'>): Promise<ToolOutcome> {
  const path = projectPath(args.path);
  const text = await readText(ctx.sandbox.fs, path);
  if (text === null) throw new ToolError(`No file "${path}".`);
  const lines = text.split('\n');
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  const total = lines.length;
  const first = Math.min(args.startLine ?? 1, Math.max(total, 1));
  let last = Math.min(args.endLine ?? total, total, first + FILE_TOOL_LIMITS.maxReadLines - 1);
  if (last < first) throw new ToolError(`endLine (${args.endLine}) is before startLine (${first}).`);
  let body = numberLines(lines.slice(first - 1, last), first);
  while (body.length > FILE_TOOL_LIMITS.maxReadChars && last > first) {
    last = first + Math.floor((last - first) / 2);
    body = numberLines(lines.slice(first - 1, last), first);
  }
  const whole = first === 1 && last === total;
  const header = whole ? `${path} (${total} lines)` : `${path} (lines ${first}-${last} of ${total}; ask for more with startLine/endLine)`;
  return { ok: true, output: `${header}\n${body}` };
}

/** Applies the write through the environment and records it. */
async function commit(ctx: ToolContext, path: string, before: string | null, after: string): Promise<ToolOutcome> {
  if (new TextEncoder().encode(after).byteLength > FILE_LIMITS.maxFileBytes) throw new ToolError(`The new content of "${path}" is over the file size limit.`);
  await ctx.env.files.write(path, after);
  ctx.changes.record(path, before, after);
  const lines = after.split('\n').length;
  return {
    ok: true,
    output: before === null ? `Created ${path} (${lines} lines).` : `Wrote ${path} (${lines} lines).`,
    detail: { kind: 'file', path, before, after },
  };
}

export async function writeFile(ctx: ToolContext, args: ToolArgs<'write_file'>): Promise<ToolOutcome> {
  const path = writablePath(args.path);
  const before = await readText(ctx.sandbox.fs, path);
  return commit(ctx, path, before, args.content);
}

/** Applies exact search/replace blocks in order; all or nothing. */
export function applyEdits(text: string, edits: ToolArgs<'edit_file'>['edits'], path: string): string {
  let result = text;
  edits.forEach((edit, i) => {
    const which = edits.length > 1 ? `Edit ${i + 1} of ${edits.length}` : 'The edit';
    const at = result.indexOf(edit.search);
    if (at === -1) {
      const loose = (s: string) => s.replace(/\s+/g, ' ').trim();
      const hint = loose(result).includes(loose(edit.search)) ? ' It matches only if whitespace is ignored: copy the exact indentation and line breaks.' : ' Read the file again and copy the exact text.';
      throw new ToolError(`${which} failed: the search text was not found in ${path}.${hint} No change was made.`);
    }
    const again = result.indexOf(edit.search, at + 1);
    if (again !== -1) {
      let count = 0;
      for (let from = 0; (from = result.indexOf(edit.search, from)) !== -1; from += 1) count++;
      throw new ToolError(`${which} failed: the search text occurs ${count} times in ${path}; include more surrounding lines so it matches once. No change was made.`);
    }
    result = result.slice(0, at) + edit.replace + result.slice(at + edit.search.length);
  });
  return result;
}

export async function editFile(ctx: ToolContext, args: ToolArgs<'edit_file'>): Promise<ToolOutcome> {
  const path = writablePath(args.path);
  const before = await readText(ctx.sandbox.fs, path);
  if (before === null) throw new ToolError(`No file "${path}". Use write_file to create it.`);
  const after = applyEdits(before, args.edits, path);
  if (after === before) return { ok: true, output: `${path} is unchanged (the replacements equal the originals).` };
  const outcome = await commit(ctx, path, before, after);
  return { ...outcome, output: `Edited ${path}: ${args.edits.length} block${args.edits.length === 1 ? '' : 's'} applied.` };
}

/** The text files under a path (or the file itself), for recording what a delete or move takes away. */
async function snapshot(ctx: ToolContext, path: string, kind: DirEntry['kind']): Promise<Map<string, string> | null> {
  const files = new Map<string, string>();
  const paths = kind === 'file' ? [path] : (await walk(ctx.sandbox.fs, path, 2000)).filter((e) => e.kind === 'file').map((e) => e.path);
  let bytes = 0;
  for (const p of paths) {
    const text = await readText(ctx.sandbox.fs, p).catch(() => null);
    if (text === null) return null;
    bytes += text.length;
    if (bytes > FILE_TOOL_LIMITS.maxRevertBytes) return null;
    files.set(p, text);
  }
  return files;
}

export async function deletePath(ctx: ToolContext, args: ToolArgs<'delete_path'>): Promise<ToolOutcome> {
  const path = writablePath(args.path);
  const kind = await kindOf(ctx.sandbox.fs, path);
  if (kind === null) throw new ToolError(`No file or folder "${path}".`);
  if (kind === 'directory' && !args.recursive) throw new ToolError(`"${path}" is a folder: pass recursive: true to delete it and everything in it.`);
  const taken = await snapshot(ctx, path, kind);
  await ctx.env.files.remove(path, { recursive: kind === 'directory' });
  for (const [p, text] of taken ?? []) ctx.changes.record(p, text, null);
  const note = taken ? '' : ' (too large or binary to keep for "revert this turn")';
  return { ok: true, output: `Deleted ${kind === 'directory' ? 'folder' : 'file'} ${path}${note}.` };
}

export async function movePath(ctx: ToolContext, args: ToolArgs<'move_path'>): Promise<ToolOutcome> {
  const from = writablePath(args.from);
  const to = writablePath(args.to);
  if (from === to) throw new ToolError('"from" and "to" are the same path.');
  if (to.startsWith(`${from}/`)) throw new ToolError(`Cannot move "${from}" into itself.`);
  const kind = await kindOf(ctx.sandbox.fs, from);
  if (kind === null) throw new ToolError(`No file or folder "${from}".`);
  if ((await kindOf(ctx.sandbox.fs, to)) !== null) throw new ToolError(`"${to}" already exists; delete it first or pick another name.`);
  const taken = await snapshot(ctx, from, kind);
  await ctx.env.files.move(from, to);
  for (const [p, text] of taken ?? []) {
    ctx.changes.record(p, text, null);
    ctx.changes.record(to + p.slice(from.length), null, text);
  }
  return { ok: true, output: `Moved ${from} → ${to}.` };
}

export async function searchFiles(ctx: ToolContext, args: ToolArgs<'search_files'>): Promise<ToolOutcome> {
  const folder = folderPath(args.path);
  const max = args.maxResults ?? 100;
  const needle = args.caseSensitive ? args.query : args.query.toLowerCase();
  const files = (await walk(ctx.sandbox.fs, folder, FILE_TOOL_LIMITS.maxSearchFiles)).filter((e) => e.kind === 'file');
  const hits: string[] = [];
  let more = false;
  for (const file of files) {
    if (ctx.signal.aborted) break;
    const bytes = await ctx.sandbox.fs.readFile(file.path).catch(() => null);
    if (!bytes || bytes.byteLength > FILE_TOOL_LIMITS.maxSearchFileBytes || bytes.includes(0)) continue;
    const lines = new TextDecoder().decode(bytes).split('\n');
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (!(args.caseSensitive ? line : line.toLowerCase()).includes(needle)) continue;
      if (hits.length >= max) {
        more = true;
        break;
      }
      hits.push(`${file.path}:${i + 1}: ${line.trim().slice(0, 200)}`);
    }
    if (more) break;
  }
  if (hits.length === 0) return { ok: true, output: `No matches for "${args.query}".` };
  if (more) hits.push(`… more than ${max} matches; narrow the query or the folder.`);
  return { ok: true, output: hits.join('\n') };
}
