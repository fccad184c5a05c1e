// Bundles the editor into public/monaco/ with esbuild: Monaco's ESM build cut to what the IDE uses
// (components/editor/monaco-runtime.ts), split so each language's mode loads when a file of that
// language opens, plus one module worker per language service. Runs before dev, build and start;
// skips the build when its inputs (the Monaco version, the entry file, this script) are unchanged.
// Why esbuild beside Next: it splits Monaco exactly as configured, emits the workers as plain module
// files that Monaco's own `new URL('x.worker.js', import.meta.url)` finds beside its chunks, and can
// drop the side-effect imports below; the build takes a few seconds.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.resolve(import.meta.dirname, '..', '..');
const outdir = path.join(root, 'public', 'monaco');
const entry = path.join(root, 'components', 'editor', 'monaco-runtime.ts');
const esm = path.join(root, 'node_modules', 'monaco-editor', 'esm', 'vs');
const workers = {
  'editor.worker': path.join(esm, 'editor', 'editor.worker.js'),
  'ts.worker': path.join(esm, 'languages', 'features', 'typescript', 'ts.worker.js'),
  'json.worker': path.join(esm, 'languages', 'features', 'json', 'json.worker.js'),
  'css.worker': path.join(esm, 'languages', 'features', 'css', 'css.worker.js'),
  'html.worker': path.join(esm, 'languages', 'features', 'html', 'html.worker.js'),
};

const { version } = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'monaco-editor', 'package.json'), 'utf8'));
const stamp = crypto
  .createHash('sha256')
  .update(version)
  .update(fs.readFileSync(entry))
  .update(fs.readFileSync(import.meta.filename))
  .digest('hex');
const marker = path.join(outdir, 'BUILD');
if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === stamp) process.exit(0);

// Monaco 0.57's worker factory for the language services (internal/common/workers.js) imports every
// editor feature for its side effects; the IDE registers the features it wants itself.
const onlyWorkerFactory = {
  name: 'monaco-worker-factory-without-features',
  setup(b) {
    b.onLoad({ filter: /[\\/]internal[\\/]common[\\/]workers\.js$/ }, async (args) => ({
      contents: (await fs.promises.readFile(args.path, 'utf8')).replace(/^import '[^']+';$/gm, ''),
      loader: 'js',
    }));
  },
};

const common = { bundle: true, format: 'esm', minify: true, target: 'es2022', legalComments: 'none', logLevel: 'warning' };
fs.rmSync(outdir, { recursive: true, force: true });
const editor = await build({
  ...common,
  metafile: true,
  entryPoints: { editor: entry },
  splitting: true,
  outdir,
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  loader: { '.ttf': 'file' },
  plugins: [onlyWorkerFactory],
});
await build({ ...common, entryPoints: workers, outdir });
// The chunks editor.js imports statically, for the project page to preload with it (a module preload
// fetches only the file it names, and the chunks are named by their hash).
const outputs = editor.metafile.outputs;
const key = (file) => path.relative(root, file).split(path.sep).join('/');
const chunks = new Set();
const visit = (output) => {
  for (const { path: imported, kind } of outputs[output]?.imports ?? []) {
    if (kind !== 'import-statement' || chunks.has(imported)) continue;
    chunks.add(imported);
    visit(imported);
  }
};
visit(key(path.join(outdir, 'editor.js')));
const urls = [...chunks].map((file) => `/monaco/${path.basename(file)}`);
fs.writeFileSync(path.join(outdir, 'preload.json'), `${JSON.stringify(urls)}\n`);
fs.writeFileSync(marker, `${stamp}\n`);
console.log(`bundled monaco-editor ${version} into public/monaco`);
