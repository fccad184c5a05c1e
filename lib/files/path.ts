import { AppError } from '@/lib/errors';
import { FILE_LIMITS } from '@/lib/files/limits';

const bad = (detail: string) => new AppError('bad_request:file', detail);

/**
 * Turns a user- or model-supplied path into the canonical project-relative form ("src/App.tsx").
 * Shared by the API, the sync and the sandboxes, so every door applies the same rules.
 */
export function normalizeProjectPath(input: string): string {
  if (input.includes('\0')) throw bad('Paths may not contain NUL characters.');
  if (input.includes('\\')) throw bad('Use "/" to separate folders, not "\\".');
  if (input.startsWith('/') || /^[a-zA-Z]:/.test(input)) {
    throw bad(`Absolute paths are not allowed: "${input}". Use a path relative to the project root.`);
  }
  const segments = input.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) throw bad('The path is empty.');
  for (const segment of segments) {
    if (segment === '..') throw bad(`".." is not allowed in paths: "${input}".`);
    if (segment.length > FILE_LIMITS.maxSegmentLength) throw bad(`A name in "${input}" is too long.`);
    if (/[\u0000-\u001f\u007f]/.test(segment)) throw bad('Paths may not contain control characters.');
  }
  if (segments.length > FILE_LIMITS.maxDepth) throw bad('The path is nested too deeply.');
  const path = segments.join('/');
  if (path.length > FILE_LIMITS.maxPathLength) throw bad('The path is too long.');
  return path;
}

/** True when `path` is `folder` itself or inside it. */
export function isWithin(path: string, folder: string): boolean {
  return path === folder || path.startsWith(`${folder}/`);
}

export function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? '' : path.slice(0, i);
}

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
