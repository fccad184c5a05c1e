import 'server-only';
import type { Db } from '@/db/client';
import { collectBlobs } from '@/db/queries/blob-gc';

/** Collects unreferenced blobs every `intervalMs` (see db/queries/blob-gc.ts); returns the stop function. */
export function startBlobCollector(opts: { getDb: () => Promise<Db>; intervalMs: number; graceMs: number }): () => void {
  if (opts.intervalMs <= 0) return () => undefined;
  const timer = setInterval(() => {
    void opts
      .getDb()
      .then((db) => collectBlobs(db, { graceMs: opts.graceMs }))
      .then(({ deleted, bytes }) => {
        if (deleted > 0) console.log(`blob collection: ${deleted} unreferenced blobs (${bytes} bytes) deleted`);
      })
      .catch((error: unknown) => console.error('blob collection failed:', error));
  }, opts.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
