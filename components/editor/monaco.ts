import { loader } from '@monaco-editor/react';
import type * as MonacoNs from 'monaco-editor';

// Monaco, self-hosted: public/monaco/vs is node_modules/monaco-editor/min/vs (copied by
// scripts/copy-monaco.mjs). This module is only reached through dynamic import, so none of it
// ships with pages that have no editor.

export type Monaco = typeof MonacoNs;

let loading: Promise<Monaco> | undefined;

export function loadMonaco(): Promise<Monaco> {
  loading ??= (async () => {
    loader.config({ paths: { vs: '/monaco/vs' } });
    const monaco = (await loader.init()) as unknown as Monaco;
    configure(monaco);
    return monaco;
  })();
  // A failed load (offline, blocked) may be retried by the next caller.
  loading.catch(() => (loading = undefined));
  return loading;
}

/** Diagnostics that only say a package's types are not loaded: noise until node_modules is typed. */
const IGNORED_DIAGNOSTICS = [
  2307, // Cannot find module 'x'
  2792, // Cannot find module 'x'. Did you mean to set moduleResolution?
  7016, // Could not find a declaration file for module 'x'
  2875, // This JSX tag requires the module path 'react/jsx-runtime' to exist
  7026, // JSX element implicitly has type 'any' (no JSX.IntrinsicElements without @types/react)
];

function configure(monaco: Monaco): void {
  const ts = monaco.typescript;
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
  for (const defaults of [ts.typescriptDefaults, ts.javascriptDefaults]) {
    defaults.setCompilerOptions(compilerOptions);
    defaults.setDiagnosticsOptions({ noSemanticValidation: false, noSyntaxValidation: false, diagnosticCodesToIgnore: IGNORED_DIAGNOSTICS });
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

export function uriFor(monaco: Monaco, path: string): MonacoNs.Uri {
  return monaco.Uri.file(`/${path}`);
}

export function pathOf(uri: MonacoNs.Uri): string {
  return uri.path.replace(/^\//, '');
}
