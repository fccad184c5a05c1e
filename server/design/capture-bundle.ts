import 'server-only';
import type { ServerResponse } from 'node:http';
import path from 'node:path';
import { build } from 'esbuild';
import { withIdeOrigin } from '@/lib/design/capture-origin';

// The capture script (lib/design/capture-script.ts) bundled with snapdom into one classic
// script, built once per process (~100 ms) and served from our own origin: nothing loads from a CDN.
// Each copy names the one IDE origin it answers to.

// Next's bundle of a page that imports the router has no import.meta.dirname; it runs from the repository root.
const ROOT = import.meta.dirname ? path.resolve(import.meta.dirname, '../..') : process.cwd();

const bundles = new Map<string, Promise<string>>();

/** A browser module of ours as one minified classic script; `globalName` exposes its exports. */
export function bundleForBrowser(entry: string, globalName?: string): Promise<string> {
  const key = `${entry}\0${globalName ?? ''}`;
  let bundle = bundles.get(key);
  if (!bundle) {
    bundle = build({
      entryPoints: [path.join(ROOT, entry)],
      bundle: true,
      write: false,
      format: 'iife',
      globalName,
      platform: 'browser',
      target: 'es2022',
      minify: true,
      legalComments: 'none',
      alias: { '@': ROOT },
    }).then((result) => result.outputFiles[0]!.text);
    bundle.catch(() => bundles.delete(key));
    bundles.set(key, bundle);
  }
  return bundle;
}

/** The capture script with the IDE origin still open (withIdeOrigin fills it in). */
export function captureScriptTemplate(): Promise<string> {
  return bundleForBrowser('lib/design/capture-script.ts');
}

/** The capture script for previews embedded by `ideOrigin` (an http(s) origin, checked). */
export async function captureScriptFor(ideOrigin: string): Promise<string> {
  return withIdeOrigin(await captureScriptTemplate(), ideOrigin);
}

/** Answers with the script, or a 500 (logged) when it could not be built. */
export function sendCaptureScript(res: ServerResponse, script: Promise<string>, headers: Record<string, string> = {}): void {
  script.then(
    (text) => {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache', ...headers });
      res.end(text);
    },
    (error: unknown) => {
      console.error('capture script:', error);
      res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8', ...headers }).end('capture script unavailable\n');
    },
  );
}
