import { FILE_LIMITS } from '@/lib/files/limits';

// Reads what was dropped from the desktop (files and whole folders) or picked in a file input,
// into project-relative paths and contents ready for files.create.

export interface UploadFile {
  path: string;
  content: string;
  encoding: 'utf8' | 'base64';
}

export interface UploadPlan {
  files: UploadFile[];
  /** What was left out and why (too large, a dependency folder, over the count limit). */
  skipped: string[];
}

const SKIPPED_FOLDERS = new Set(['node_modules', '.git', '.next', 'dist', '.DS_Store']);
const MAX_FILES_PER_UPLOAD = 1000;

interface Picked {
  relativePath: string;
  file: File;
}

/** Must be called inside the drop handler: browsers clear the DataTransfer once it returns. */
export function collectDropped(dataTransfer: DataTransfer): Promise<Picked[]> {
  const entries: FileSystemEntry[] = [];
  const loose: File[] = [];
  for (const item of [...dataTransfer.items]) {
    if (item.kind !== 'file') continue;
    const entry = item.webkitGetAsEntry?.();
    if (entry) entries.push(entry);
    else {
      // Synthetic drags (and some browsers) give no entries: plain files then, no folders.
      const file = item.getAsFile();
      if (file) loose.push(file);
    }
  }
  return (async () => {
    const picked: Picked[] = loose.map((file) => ({ relativePath: file.webkitRelativePath || file.name, file }));
    for (const entry of entries) await walk(entry, '', picked);
    return picked;
  })();
}

export function collectPicked(files: FileList): Picked[] {
  return [...files].map((file) => ({ relativePath: file.webkitRelativePath || file.name, file }));
}

async function walk(entry: FileSystemEntry, prefix: string, out: Picked[]): Promise<void> {
  if (out.length > MAX_FILES_PER_UPLOAD) return;
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    out.push({ relativePath: path, file });
    return;
  }
  if (SKIPPED_FOLDERS.has(entry.name)) return;
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns at most ~100 entries per call: read until it returns none.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (batch.length === 0) break;
    for (const child of batch) await walk(child, path, out);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export async function planUpload(picked: Picked[], folder: string): Promise<UploadPlan> {
  const files: UploadFile[] = [];
  const skipped: string[] = [];
  for (const { relativePath, file } of picked) {
    const path = folder ? `${folder}/${relativePath}` : relativePath;
    if (relativePath.split('/').some((s) => SKIPPED_FOLDERS.has(s))) continue;
    if (files.length >= MAX_FILES_PER_UPLOAD) {
      skipped.push(`${path} (more than ${MAX_FILES_PER_UPLOAD} files in one upload)`);
      continue;
    }
    if (file.size > FILE_LIMITS.maxFileBytes) {
      skipped.push(`${path} (${(file.size / 1024 / 1024).toFixed(1)} MiB; the limit is ${FILE_LIMITS.maxFileBytes / 1024 / 1024} MiB)`);
      continue;
    }
    files.push({ path, ...encode(new Uint8Array(await file.arrayBuffer())) });
  }
  return { files, skipped };
}

export function encode(bytes: Uint8Array): { content: string; encoding: 'utf8' | 'base64' } {
  if (!bytes.includes(0)) {
    try {
      return { content: strictUtf8.decode(bytes), encoding: 'utf8' };
    } catch {
      // not UTF-8: base64 below
    }
  }
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return { content: btoa(binary), encoding: 'base64' };
}
