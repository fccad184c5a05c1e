import type * as MonacoNs from 'monaco-editor';
import type { ModelRegistry } from '@/components/editor/models';
import { pathOf, type Monaco } from '@/components/editor/monaco';

type Open = (path: string, at: { line: number; column: number }) => void;

/**
 * Standalone Monaco only navigates inside the model on screen: go to definition (F12), peek's
 * "open", references and problems that point into another file do nothing without an opener.
 * This one opens the target in its tab at the spot, for project files the registry holds only
 * (never a library's declaration or a URI the language service made up).
 */
export function openProjectFiles(monaco: Monaco, registry: ModelRegistry, open: Open): MonacoNs.IDisposable {
  return monaco.editor.registerEditorOpener({
    openCodeEditor(_source, resource, selectionOrPosition) {
      if (resource.scheme !== 'file') return false;
      const path = pathOf(resource);
      if (!registry.get(path)) return false;
      open(path, startOf(selectionOrPosition));
      return true;
    },
  });
}

function startOf(at: MonacoNs.IRange | MonacoNs.IPosition | undefined): { line: number; column: number } {
  if (!at) return { line: 1, column: 1 };
  if ('startLineNumber' in at) return { line: at.startLineNumber, column: at.startColumn };
  return { line: at.lineNumber, column: at.column };
}
