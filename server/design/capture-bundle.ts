import 'server-only';
import path from 'node:path';
import { build } from 'esbuild';

// The capture script (lib/design/capture-script.ts) bundled with modern-screenshot into one classic
// script, built once per process (~100 ms) and served from our own origin: nothing loads from a CDN.
// Each copy names the one IDE origin it answers to.

const ROOT = path.resolve(import.meta.dirname, '../..');
const PLACEHOLDER = JSON.stringify('__IDE_ORIGIN__');

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

/** The capture script for previews embedded by `ideOrigin` (an http(s) origin, checked here). */
export async function captureScriptFor(ideOrigin: string): Promise<string> {
  // Host names, IPv4 and bracketed IPv6 only (WHATWG URL lets quotes through in hosts).
  if (!/^https?:\/\/(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(:\d{1,5})?$/.test(ideOrigin) || new URL(ideOrigin).origin !== ideOrigin) {
    throw new Error(`capture script: not an http(s) origin: ${ideOrigin}`);
  }
  const script = await bundleForBrowser('lib/design/capture-script.ts');
  if (script.split(PLACEHOLDER).length !== 2) throw new Error('capture script: the IDE origin placeholder must occur once');
  return script.replace(PLACEHOLDER, () => JSON.stringify(ideOrigin));
}
