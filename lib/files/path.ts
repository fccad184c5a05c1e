import { AppError } from '@/lib/errors';
import { FILE_LIMITS } from '@/lib/files/limits';

const bad = (detail: string) => new AppError('bad_request:file', detail);

/** C0 controls, DEL and C1 controls: invisible or terminal-active characters. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Bidirectional controls: they reorder how a name is shown ("evil\u202Etxt.js" reads as "eviljs.txt"). */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

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
    if (CONTROL.test(segment)) throw bad('Paths may not contain control characters.');
    if (BIDI.test(segment)) throw bad('Paths may not contain bidirectional text controls (they disguise names).');
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
