'use client';

import { useStore } from '@nanostores/react';
import { useQuery } from '@tanstack/react-query';
import { atom } from 'nanostores';
import type * as MonacoNs from 'monaco-editor';
import { useEffect, useRef, useState } from 'react';
import { Button } from '@/components/ui/button';
import { useEditorCommands, useWorkbench } from '@/components/workbench/context';
import { BinaryView } from '@/components/editor/binary-view';
import { isScriptPath, ModelRegistry } from '@/components/editor/models';
import { afterFirstEdit, PANELS_DELAY_MS, TYPESCRIPT_DELAY_MS } from '@/components/editor/after-first-edit';
import {
  applyProjectOptions,
  editorCreated,
  editorInUse,
  loadMonaco,
  pathOf,
  refreshDiagnostics,
  startTypeScript,
  type Monaco,
} from '@/components/editor/monaco';
import { useProjectModels } from '@/components/editor/use-project-models';
import { openProjectFiles } from '@/components/editor/open-project-files';
import { useTRPC } from '@/lib/trpc/client';

export interface EditorRuntime {
  monaco: Monaco;
  editor: MonacoNs.editor.IStandaloneCodeEditor;
  registry: ModelRegistry;
}

/**
 * The Monaco editor: one instance for the page, one model per file, switched as tabs change
 * (view state — cursor, scroll, folds — kept per file). Loaded on mount, never on the server.
 */
export function CodeEditor({ readOnly }: { readOnly: boolean }) {
  const wb = useWorkbench();
  const commands = useEditorCommands();
  const trpc = useTRPC();
  const active = useStore(wb.editor.active);
  const reveal = useStore(wb.editor.reveal);
  const host = useRef<HTMLDivElement>(null);
  const viewStates = useRef(new Map<string, MonacoNs.editor.ICodeEditorViewState | null>());
  const [runtime, setRuntime] = useState<EditorRuntime | null>(null);
  // Which file's model is in the editor: set once the switch happened, read by the reveal effect.
  const [shownAtom] = useState(() => atom<string | null>(null));
  const shown = useStore(shownAtom);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  // The TypeScript service (a 7 MB worker, and every project file loaded for it) starts only once the
  // editor has had focus on a TS/JS file, and then after the first edit or a moment's look (after-first-edit.ts):
  // a page that only shows code, or shows other files, never fetches it.
  const [typeScriptOn, setTypeScriptOn] = useState(false);
  const readOnlyAtStart = useRef(readOnly);

  useEffect(() => {
    let disposed = false;
    let created: EditorRuntime | null = null;
    let typeScript: { dispose: () => void } | undefined;
    let inUse: { dispose: () => void } | undefined;
    let opener: { dispose: () => void } | undefined;
    wb.stageStarted('editor');
    loadMonaco().then(
      (monaco) => {
        if (disposed || !host.current) return;
        const editor = monaco.editor.create(host.current, {
          model: null,
          automaticLayout: true,
          fontFamily: 'var(--font-mono), ui-monospace, monospace',
          fontSize: 13,
          lineHeight: 20,
          tabSize: 2,
          minimap: { enabled: false },
          scrollBeyondLastLine: false,
          fixedOverflowWidgets: true,
          renderLineHighlight: 'all',
          smoothScrolling: true,
          padding: { top: 8 },
          ariaLabel: 'Code editor',
        });
        // The TypeScript service follows the project: its tsconfig's options, and a change to any file
        // re-checks the one on screen (an error may come from another file's export).
        const registry: ModelRegistry = new ModelRegistry(monaco, wb.files, (path, model, byUser) => {
          // Its parser (and zod) load only once the service has the project's files, never before the first key.
          if (path === 'tsconfig.json')
            void import('@/components/editor/project-config').then(({ compilerOptionsFrom }) =>
              applyProjectOptions(monaco, compilerOptionsFrom(registry.get(path)?.getValue() ?? null)),
            );
          else if (!byUser || model !== editor.getModel()) refreshDiagnostics(monaco);
        });
        // Inside Monaco the page-level shortcut handler still runs (capture phase); this keeps
        // Ctrl/Cmd+S working when Monaco has focus in browsers that deliver keys to it first.
        editor.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.KeyS, () => {
          const path = wb.editor.active.get();
          if (path) void wb.files.save(path);
        });
        editor.onDidChangeCursorPosition((e) => {
          const model = editor.getModel();
          commands.setCursor(model ? { line: e.position.lineNumber, column: e.position.column, language: model.getLanguageId() } : null);
        });
        const maybeStartTypeScript = () => {
          const model = editor.getModel();
          if (typeScript || !editor.hasTextFocus() || !model || !isScriptPath(pathOf(model.uri))) return;
          typeScript = afterFirstEdit(
            (listener) => editor.onDidChangeModelContent(listener),
            () => (startTypeScript(), setTypeScriptOn(true)),
            TYPESCRIPT_DELAY_MS,
          );
        };
        editor.onDidFocusEditorText(maybeStartTypeScript);
        editor.onDidChangeModel(maybeStartTypeScript);
        // Go to definition, references and problems in another project file open it in its tab.
        opener = openProjectFiles(monaco, registry, (path, at) => wb.editor.open(path, at));
        commands.attach(editor);
        created = { monaco, editor, registry };
        setRuntime(created);
        editorCreated();
        // Nobody types into a read-only editor: the other panels need not wait for an edit.
        if (readOnlyAtStart.current) editorInUse();
        else inUse = afterFirstEdit((listener) => editor.onDidChangeModelContent(listener), editorInUse, PANELS_DELAY_MS);
        wb.stageDone('editor');
      },
      (error: unknown) => {
        if (disposed) return;
        setLoadError(error instanceof Error ? error.message : 'Monaco did not load.');
        wb.stageFailed('editor', error instanceof Error ? error : new Error('The editor could not be loaded.'));
      },
    );
    return () => {
      disposed = true;
      typeScript?.dispose();
      inUse?.dispose();
      opener?.dispose();
      commands.attach(null);
      created?.editor.dispose();
      created?.registry.dispose();
      setRuntime(null);
    };
  }, [wb, commands, attempt]);

  useEffect(() => {
    runtime?.editor.updateOptions({ readOnly });
  }, [runtime, readOnly]);

  useProjectModels(typeScriptOn ? (runtime?.registry ?? null) : null);

  const file = useQuery({ ...trpc.files.read.queryOptions({ projectId: wb.projectId, path: active ?? '' }), enabled: !!active });
  const data = file.data && file.data.path === active ? file.data : undefined;
  // A file's text may be in the cache before the journal was read (the server prefetches the main file):
  // opening it first would make that snapshot the saved base and leave a replayed draft unadopted.
  const replayed = useStore(wb.files.replayed);

  useEffect(() => {
    if (!runtime || !replayed || !active || !data || data.encoding !== 'utf8') return;
    const model = runtime.registry.openForEditing({ path: active, content: data.content, version: data.version });
    const { editor } = runtime;
    const current = editor.getModel();
    if (current !== model) {
      if (current) viewStates.current.set(pathOf(current.uri), editor.saveViewState());
      editor.setModel(model);
      const state = viewStates.current.get(active);
      if (state) editor.restoreViewState(state);
      const position = editor.getPosition();
      commands.setCursor(position ? { line: position.lineNumber, column: position.column, language: model.getLanguageId() } : null);
    }
    shownAtom.set(active);
  }, [runtime, replayed, active, data, commands, shownAtom]);

  useEffect(() => {
    if (!runtime || !reveal || reveal.path !== shown) return;
    const { editor } = runtime;
    editor.setPosition({ lineNumber: reveal.line, column: reveal.column });
    editor.revealLineInCenter(reveal.line);
    editor.focus();
    wb.editor.revealHandled(reveal.seq);
  }, [runtime, reveal, shown, wb]);

  const binary = data && data.encoding !== 'utf8' ? data : undefined;
  const visible = !!runtime && !!active && shown === active && !binary;

  return (
    <div className="relative h-full">
      <div
        ref={host}
        data-testid="code-editor"
        data-path={visible ? shown : undefined}
        data-ready={runtime ? 'true' : 'false'}
        className={`absolute inset-0 ${visible ? '' : 'invisible'}`}
      />
      {binary && <BinaryView path={binary.path} content={binary.content} size={binary.size} />}
      {file.error && active && (
        <p role="alert" className="absolute inset-x-0 top-0 m-4 text-sm text-red-700 dark:text-red-400">
          Could not open {active}: {file.error.message}
        </p>
      )}
      {!runtime && !loadError && active && (
        <p className="absolute inset-0 m-4 text-sm text-zinc-500" aria-live="polite">
          Loading the editor…
        </p>
      )}
      {loadError && (
        <div role="alert" className="absolute inset-0 m-4 flex flex-col items-start gap-2 text-sm">
          <p className="text-red-700 dark:text-red-400">The editor could not be loaded: {loadError}</p>
          <Button onClick={() => (setLoadError(null), setAttempt((n) => n + 1))}>Retry</Button>
        </div>
      )}
    </div>
  );
}
