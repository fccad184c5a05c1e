// Rows and summary entries of bench:load: sizes in KiB (raw and gzip) and ours ÷ bolt.diy ratios.
import type { Row } from '../harness';
import { kib, type JsFile } from './browser';

interface JsSize {
  rawBytes: number;
  gzipBytes: number;
  files: number;
}

/** One table row: the page, what the row measures, the JavaScript counted, and any timing columns. */
export const jsRow = (page: string, measured: string, m: JsSize, timings: Row = {}): Row => ({
  page,
  measured,
  jsFiles: m.files,
  jsRawKiB: kib(m.rawBytes),
  jsGzipKiB: kib(m.gzipBytes),
  ...timings,
});

/** The same figures for the summary; with the time to DOMContentLoaded when asked (the load-event figures). */
export const summaryOf = (m: JsSize & { domContentLoadedMs: number }, withDomContentLoaded = false) => ({
  jsFiles: m.files,
  jsRawKiB: kib(m.rawBytes),
  jsGzipKiB: kib(m.gzipBytes),
  ...(withDomContentLoaded && { domContentLoadedMs: m.domContentLoadedMs }),
});

/** ours ÷ theirs, raw and gzip, to 3 decimals. */
export const ratio = (ours: JsSize, theirs: JsSize) => ({
  raw: Math.round((ours.rawBytes / theirs.rawBytes) * 1000) / 1000,
  gzip: Math.round((ours.gzipBytes / theirs.gzipBytes) * 1000) / 1000,
});

/** The `n` largest JavaScript files by raw size: path (no host), raw and gzip KiB. */
export const largestJs = (files: JsFile[], n: number) =>
  [...files]
    .sort((a, b) => b.rawBytes - a.rawBytes)
    .slice(0, n)
    .map((f) => ({ path: f.path, rawKiB: kib(f.rawBytes), gzipKiB: kib(f.gzipBytes) }));
