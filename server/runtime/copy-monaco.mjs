// Self-hosts Monaco: copies node_modules/monaco-editor/min/vs into public/monaco/vs, so the editor,
// its languages and workers load from our origin (no CDN). Runs before dev, build and start;
// skips the copy when the copied version already matches the installed one.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const source = path.join(root, 'node_modules', 'monaco-editor', 'min', 'vs');
const target = path.join(root, 'public', 'monaco', 'vs');
const marker = path.join(root, 'public', 'monaco', 'VERSION');

const { version } = JSON.parse(fs.readFileSync(path.join(root, 'node_modules', 'monaco-editor', 'package.json'), 'utf8'));
if (fs.existsSync(marker) && fs.readFileSync(marker, 'utf8').trim() === version && fs.existsSync(path.join(target, 'loader.js'))) {
  process.exit(0);
}
fs.rmSync(path.dirname(target), { recursive: true, force: true });
fs.mkdirSync(path.dirname(target), { recursive: true });
fs.cpSync(source, target, { recursive: true });
fs.writeFileSync(marker, `${version}\n`);
console.log(`copied monaco-editor ${version} to public/monaco/vs`);
