import type * as MonacoNs from 'monaco-editor';
import { preload, preloadModule } from 'react-dom';
import type { ProjectCompilerOptions } from '@/components/editor/project-config';

// Monaco, bundled from its ESM build into public/monaco by server/runtime/build-monaco.mjs (entry:
// components/editor/monaco-runtime.ts): only the editor's features and languages the IDE uses.
// Loaded from our origin when the workbench asks for it, never with other pages.

export type Monaco = typeof MonacoNs;

const ENTRY = '/monaco/editor.js';
const STYLES = '/monaco/editor.css';

/** Starts fetching the editor while the workbench boots (a hint in the page's head; safe to call while rendering). */
export function preloadMonaco(chunks: string[] = []): void {
  preloadModule(ENTRY, { as: 'script' });
  for (const chunk of chunks) preloadModule(chunk, { as: 'script' });
  preload(STYLES, { as: 'style' });
}

let loading: Promise<Monaco> | undefined;
let allowTypeScript: (() => void) | undefined;

export function loadMonaco(): Promise<Monaco> {
  loading ??= (async () => {
    const [runtime] = await Promise.all([import(/* webpackIgnore: true */ /* turbopackIgnore: true */ ENTRY) as Promise<Runtime>, loadStyles()]);
    const monaco = runtime.api;
    allowTypeScript = runtime.allowTypeScript;
    configure(monaco);
    return monaco;
  })();
  // A failed load (offline, blocked) may be retried by the next caller.
  loading.catch(() => (loading = undefined));
  return loading;
}

let markCreated = () => {};
const created = new Promise<void>((resolve) => (markCreated = resolve));
let markInUse = () => {};
const inUse = new Promise<void>((resolve) => (markInUse = resolve));

/** The page's editor exists (code-editor.tsx, once Monaco made it). */
export function editorCreated(): void {
  markCreated();
}

/** The page's editor is in use: its first edit was drawn, or it has been shown a moment; at once when read-only (code-editor.tsx). */
export function editorInUse(): void {
  markInUse();
}

/** `moment`, or a failed Monaco load: nothing waits for an editor that will never come. */
const orNoEditor = (moment: Promise<void>) =>
  new Promise<void>((resolve) => {
    void moment.then(resolve);
    loadMonaco().catch(() => resolve());
  });

let shown: Promise<void> | undefined;
let settled: Promise<void> | undefined;

/** Resolves once the editor exists: what the sandbox waits for (its start competes with Monaco's own load and first paint). */
export function editorShown(): Promise<void> {
  shown ??= orNoEditor(created);
  return shown;
}

/**
 * Resolves once the editor is in use: what the workbench's other panels wait for, so their chunks (xterm,
 * the agent, the preview) stay off the path to the first keystroke even when Monaco itself was loaded early
 * (components/workbench/workbench-loader.tsx).
 */
export function editorSettled(): Promise<void> {
  settled ??= orNoEditor(inUse);
  return settled;
}

interface Runtime {
  api: Monaco;
  allowTypeScript: () => void;
}

/** Lets the TypeScript service start (its worker downloads then); until this, its requests wait. */
export function startTypeScript(): void {
  typeScriptStarted = true;
  allowTypeScript?.();
}

function loadStyles(): Promise<void> {
  if (document.querySelector(`link[rel="stylesheet"][href="${STYLES}"]`)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLES;
    link.onload = () => resolve();
    link.onerror = () => (link.remove(), reject(new Error('The editor styles did not load.')));
    document.head.append(link);
  });
}
/** Diagnostics that only say a package's types are not loaded: noise until node_modules is typed. */
const IGNORED_DIAGNOSTICS = [
  2307, // Cannot find module 'x'
  2792, // Cannot find module 'x'. Did you mean to set moduleResolution?
  7016, // Could not find a declaration file for module 'x'
  2875, // This JSX tag requires the module path 'react/jsx-runtime' to exist
  7026, // JSX element implicitly has type 'any' (no JSX.IntrinsicElements without @types/react)
];

let baseOptions: MonacoNs.typescript.CompilerOptions = {};
/** The options in force, as JSON: an unchanged tsconfig never restarts the service. */
let projectOptions = '';

function configure(monaco: Monaco): void {
  const ts = monaco.typescript;
  // Module resolution stays Node's classic one whatever the project says (bundler, node16): with no
  // node_modules in the editor, only relative imports resolve, and those resolve alike in every mode.
  const compilerOptions: MonacoNs.typescript.CompilerOptions = {
    target: ts.ScriptTarget.ESNext,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.NodeJs,
    jsx: ts.JsxEmit.ReactJSX,
    allowJs: true,
    checkJs: false,
    allowNonTsExtensions: true,
    allowImportingTsExtensions: true,
    esModuleInterop: true,
    isolatedModules: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    strict: true,
    noEmit: true,
  };
  baseOptions = compilerOptions;
  projectOptions = JSON.stringify(compilerOptions);
  for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
    defaults.setCompilerOptions(compilerOptions);
    // Only the files on screen are checked: the rest are there to be imported.
    defaults.setDiagnosticsOptions({
      noSemanticValidation: false,
      noSyntaxValidation: false,
      onlyVisible: true,
      diagnosticCodesToIgnore: IGNORED_DIAGNOSTICS,
    });
    // Every project file model is part of the program, not only the one on screen.
    defaults.setEagerModelSync(true);
  }
  ts.typescriptDefaults.addExtraLib(
    [
      "declare module '*.css';",
      "declare module '*.svg' { const src: string; export default src; }",
      "declare module '*.png' { const src: string; export default src; }",
      'interface ImportMeta { readonly env: Record<string, string | boolean | undefined>; readonly hot?: unknown }',
    ].join('\n'),
    'file:///__ide__/ambient.d.ts',
  );
  followSystemTheme(monaco);
}

function followSystemTheme(monaco: Monaco): void {
  // VS Code's themes, with the page's own backgrounds so the editor sits flush with the panels.
  monaco.editor.defineTheme('ide-light', {
    base: 'vs',
    inherit: true,
    rules: [],
    colors: { 'editor.background': '#ffffff', 'editor.lineHighlightBackground': '#f4f4f5', 'editorGutter.background': '#ffffff' },
  });
  monaco.editor.defineTheme('ide-dark', {
    base: 'vs-dark',
    inherit: true,
    rules: [],
    colors: {
      'editor.background': '#09090b',
      'editor.lineHighlightBackground': '#18181b',
      'editor.lineHighlightBorder': '#18181b',
      'editorGutter.background': '#09090b',
      'editorWidget.background': '#18181b',
    },
  });
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const apply = () => monaco.editor.setTheme(query.matches ? 'ide-dark' : 'ide-light');
  apply();
  query.addEventListener('change', apply);
}

/** The project's tsconfig.json changed: its options (project-config.ts) over the IDE's; the service restarts only if they differ. */
export function applyProjectOptions(monaco: Monaco, options: ProjectCompilerOptions): void {
  const merged = { ...baseOptions, ...options };
  const key = JSON.stringify(merged);
  if (key === projectOptions) return;
  projectOptions = key;
  const ts = monaco.typescript;
  for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) defaults.setCompilerOptions(merged);
}

let refreshTimer: ReturnType<typeof setTimeout> | undefined;
let typeScriptStarted = false;

/**
 * Another project file changed, appeared or went away. Monaco hands the service (eager model sync)
 * only the files that exist when it starts, and re-checks a file only when that file changes: a file
 * loaded later was invisible to imports, and an error caused by another file's export never showed.
 * So every script model is handed to the service (TS and JS files import each other), then the files on
 * screen are checked again: setting the same extra libs again does that without restarting the service.
 */
export function refreshDiagnostics(monaco: Monaco): void {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    if (typeScriptStarted) void syncAndRecheck(monaco);
  }, 300);
}

async function syncAndRecheck(monaco: Monaco): Promise<void> {
  const ts = monaco.typescript;
  const models = monaco.editor.getModels().filter((m) => !m.isDisposed());
  const scripts = models.filter((m) => SCRIPT_LANGUAGES.has(m.getLanguageId())).map((m) => m.uri);
  try {
    if (models.some((m) => m.getLanguageId() === 'typescript')) await (await ts.getTypeScriptWorker())(...scripts);
    if (models.some((m) => m.getLanguageId() === 'javascript')) await (await ts.getJavaScriptWorker())(...scripts);
  } catch (error) {
    console.warn('could not hand the project files to the TypeScript service:', error);
  }
  for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
    const libs = Object.entries(defaults.getExtraLibs()).map(([filePath, lib]) => ({ filePath, content: lib.content }));
    defaults.setExtraLibs(libs);
  }
}

const SCRIPT_LANGUAGES = new Set(['typescript', 'javascript']);

export function uriFor(monaco: Monaco, path: string): MonacoNs.Uri {
  return monaco.Uri.file(`/${path}`);
}

export function pathOf(uri: MonacoNs.Uri): string {
  return uri.path.replace(/^\//, '');
}
