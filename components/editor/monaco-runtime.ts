// Monaco from its ESM build, bundled by the app: the editor core, only the features the IDE offers,
// and only the languages it serves. Reached through a dynamic import (components/editor/monaco.ts),
// so nothing here ships with a page before it asks for the editor.
import * as monaco from 'monaco-editor/editor/editor.api.js';

// Editing and navigation users expect: find/replace, multi-cursor, go to definition and references,
// hover, completion, quick fixes, rename, format, problems (F8), quick open/command palette, diff.
import 'monaco-editor/features/codicon/register.js';
import 'monaco-editor/editor/browser/coreCommands.js';
import 'monaco-editor/editor/common/standaloneStrings.js';
import 'monaco-editor/features/codeEditor/register.js';
import 'monaco-editor/features/diffEditor/register.js';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/multicursor/register.js';
import 'monaco-editor/features/gotoSymbol/register.js';
import 'monaco-editor/editor/contrib/gotoSymbol/browser/goToCommands.js';
import 'monaco-editor/features/referenceSearch/register.js';
import 'monaco-editor/features/hover/register.js';
import 'monaco-editor/features/suggest/register.js';
import 'monaco-editor/editor/contrib/suggest/browser/suggestController.js';
import 'monaco-editor/features/parameterHints/register.js';
import 'monaco-editor/features/snippet/register.js';
import 'monaco-editor/features/codeAction/register.js';
import 'monaco-editor/features/rename/register.js';
import 'monaco-editor/features/format/register.js';
import 'monaco-editor/features/gotoError/register.js';
import 'monaco-editor/features/gotoLine/register.js';
import 'monaco-editor/features/quickCommand/register.js';
import 'monaco-editor/features/quickOutline/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/comment/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/linesOperations/register.js';
import 'monaco-editor/features/wordOperations/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/linkedEditing/register.js';
import 'monaco-editor/features/indentation/register.js';
import 'monaco-editor/features/smartSelect/register.js';
import 'monaco-editor/features/cursorUndo/register.js';
import 'monaco-editor/features/links/register.js';
import 'monaco-editor/features/documentSymbols/register.js';
import 'monaco-editor/features/readOnlyMessage/register.js';
import 'monaco-editor/features/unicodeHighlighter/register.js';
import 'monaco-editor/features/toggleTabFocusMode/register.js';

// Languages: TS/JS, JSON, CSS, HTML with their language services (workers start on demand), and
// Markdown colouring; every other file is plain text.
import 'monaco-editor/languages/definitions/typescript/register.js';
import 'monaco-editor/languages/definitions/javascript/register.js';
import 'monaco-editor/languages/definitions/css/register.js';
import 'monaco-editor/languages/definitions/html/register.js';
import 'monaco-editor/languages/definitions/markdown/register.js';
import * as typescript from 'monaco-editor/languages/features/typescript/register.js';
import 'monaco-editor/languages/features/json/register.js';
import 'monaco-editor/languages/features/css/register.js';
import 'monaco-editor/languages/features/html/register.js';

/** Module workers beside this file (server/runtime/build-monaco.mjs emits them), one per service. */
const WORKERS: Record<string, string> = {
  typescript: 'ts.worker.js',
  javascript: 'ts.worker.js',
  json: 'json.worker.js',
  css: 'css.worker.js',
  scss: 'css.worker.js',
  less: 'css.worker.js',
  html: 'html.worker.js',
};

// No worker is on the path to the first keystroke: the others start at the first edit in an
// editor (or with a diff editor); the TypeScript one (7 MB) waits until the page says a person works
// on a TS/JS file.
let allowTypeScript = () => {};
const typeScriptAllowed = new Promise<void>((resolve) => (allowTypeScript = resolve));
let allowWorkers = () => {};
const workersAllowed = new Promise<void>((resolve) => (allowWorkers = resolve));
void typeScriptAllowed.then(() => allowWorkers());
// After the edit has been drawn: the worker's download never competes with showing the key.
const allowWorkersWhenIdle = () =>
  typeof requestIdleCallback === 'function' ? requestIdleCallback(() => allowWorkers(), { timeout: 1000 }) : setTimeout(() => allowWorkers(), 50);
monaco.editor.onDidCreateEditor((editor) => editor.onDidChangeModelContent(allowWorkersWhenIdle));
monaco.editor.onDidCreateDiffEditor(() => allowWorkers());

self.MonacoEnvironment = {
  getWorker: (_id, label) => {
    const start = () => new Worker(new URL(WORKERS[label] ?? 'editor.worker.js', import.meta.url), { type: 'module', name: label });
    return (label === 'typescript' || label === 'javascript' ? typeScriptAllowed : workersAllowed).then(start);
  },
};

export const api = { ...monaco, typescript };
export { allowTypeScript };
