import 'server-only';
import { Unzip, UnzipInflate } from 'fflate';
import { AppError } from '@/lib/errors';
import { normalizeProjectPath } from '@/lib/files/path';
import { createIgnore } from '@/lib/sandbox/ignore';
import { readCentralDirectory } from '@/server/archive/central-directory';
import { ARCHIVE_LIMITS } from '@/server/archive/limits';

// Reads an uploaded zip into project files, refusing what could escape or explode: paths with "..",
// absolute paths, symlinks, and archives past the limits. Sizes are counted on the bytes that actually
// come out of the inflater, in small steps, so a bomb (or a header that lies about sizes) stops early.

export interface ArchiveFile {
  path: string;
  content: Uint8Array;
}

const PUSH_BYTES = 4096;
const bad = (detail: string) => new AppError('bad_request:archive', detail);
const tooLarge = (detail: string) => new AppError('too_large:archive', detail);
const mib = (n: number) => `${n / 1024 / 1024} MiB`;

/** The entry's path in the project; undefined for folders. Throws for names that would leave the project. */
export function entryPath(name: string): string | undefined {
  if (name.endsWith('/')) return undefined;
  if (name.startsWith('/') || name.startsWith('\\') || /^[a-zA-Z]:/.test(name)) throw bad(`"${name}" is an absolute path; archives may hold relative paths only.`);
  if (name.split(/[/\\]/).includes('..')) throw bad(`"${name}" points outside the project (".." in the path).`);
  try {
    return normalizeProjectPath(name);
  } catch (error) {
    throw error instanceof AppError ? bad(`"${name}": ${error.message}`) : error;
  }
}

export function readZip(zip: Uint8Array, limits = ARCHIVE_LIMITS): ArchiveFile[] {
  if (zip.byteLength > limits.maxZipBytes) throw tooLarge(`The archive is larger than ${mib(limits.maxZipBytes)}.`);
  const central = readCentralDirectory(zip, limits.maxEntries);
  const rebuilt = createIgnore(null);
  const files: ArchiveFile[] = [];
  const maxOut = Math.max(zip.byteLength * limits.maxRatio, limits.ratioFloorBytes);
  let failure: AppError | null = null;
  let total = 0;
  let entries = 0;

  const unzip = new Unzip((file) => {
    if (failure) return;
    const stop = (error: AppError) => {
      failure ??= error;
      file.terminate();
    };
    const entry = central.get(file.name);
    if (!entry) return stop(bad(`"${file.name}" is not in the archive's directory (a damaged or doctored zip).`));
    if (entry.symlink) return stop(bad(`"${file.name}" is a symbolic link; archives with links are refused.`));
    let path: string | undefined;
    try {
      path = entryPath(file.name);
    } catch (error) {
      return stop(error instanceof AppError ? error : bad(String(error)));
    }
    if (path === undefined || rebuilt(path)) return;
    if (++entries > limits.maxEntries) return stop(tooLarge(`The archive holds more than ${limits.maxEntries} files.`));
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (error, data, final) => {
      if (failure) return;
      if (error) return stop(bad(`"${file.name}" could not be inflated: ${error.message}`));
      size += data.byteLength;
      total += data.byteLength;
      if (size > limits.maxFileBytes) return stop(tooLarge(`"${path}" is larger than ${mib(limits.maxFileBytes)}.`));
      if (total > limits.maxTotalBytes) return stop(tooLarge(`The archive unpacks to more than ${mib(limits.maxTotalBytes)}.`));
      if (total > maxOut) return stop(tooLarge(`The archive unpacks to more than ${limits.maxRatio} times its size: refused as a zip bomb.`));
      chunks.push(data);
      if (final) files.push({ path: path!, content: concat(chunks, size) });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < zip.byteLength && !failure; at += PUSH_BYTES) {
      unzip.push(zip.subarray(at, at + PUSH_BYTES), at + PUSH_BYTES >= zip.byteLength);
    }
  } catch (error) {
    failure ??= bad(`The archive is damaged: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (failure) throw failure;
  return stripCommonFolder(files);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** "my-app/src/a.ts", "my-app/package.json" → "src/a.ts", "package.json" (zips of a folder hold the folder). */
function stripCommonFolder(files: ArchiveFile[]): ArchiveFile[] {
  const first = files[0]?.path.split('/')[0];
  if (!first || !files.every((f) => f.path.startsWith(`${first}/`))) return files;
  return files.map((f) => ({ ...f, path: f.path.slice(first.length + 1) }));
}
