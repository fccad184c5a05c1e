import { FILE_LIMITS } from '@/lib/files/limits';

export const ARCHIVE_LIMITS = {
  /** The zip itself (the upload). */
  maxZipBytes: 16 * 1024 * 1024,
  maxEntries: FILE_LIMITS.maxFileCount,
  /** Bytes after inflating, counted as they come out (header sizes are never trusted). */
  maxTotalBytes: FILE_LIMITS.maxProjectBytes,
  maxFileBytes: FILE_LIMITS.maxFileBytes,
  /** Inflated bytes per byte of zip; past it (and past ratioFloorBytes) the archive is a zip bomb. */
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
} as const;
