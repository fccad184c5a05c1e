export const FILE_LIMITS = {
  maxPathLength: 512,
  maxSegmentLength: 255,
  maxDepth: 32,
  /** Per file, in bytes. */
  maxFileBytes: 2 * 1024 * 1024,
  /** Per project, in bytes of file content. */
  maxProjectBytes: 50 * 1024 * 1024,
  maxFileCount: 5000,
} as const;
