'use client';

import { useEffect, useRef } from 'react';
import { loadMonaco } from '@/components/editor/monaco';

/**
 * Monaco's read-only side-by-side diff editor in the returned element: `before` on the left, `after` on
 * the right, highlighted as the project's file at `path` is. The element gets `data-ready` once shown.
 */
export function useMonacoDiff(path: string, before: string, after: string) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let dispose = () => {};
    let cancelled = false;
    void loadMonaco().then((monaco) => {
      if (cancelled || !host.current) return;
      const language = monaco.editor.getModel(monaco.Uri.file(`/${path}`))?.getLanguageId();
      const original = monaco.editor.createModel(before, language);
      const modified = monaco.editor.createModel(after, language);
      const diff = monaco.editor.createDiffEditor(host.current, { readOnly: true, automaticLayout: true, renderSideBySide: true, minimap: { enabled: false } });
      diff.setModel({ original, modified });
      host.current.dataset.ready = 'true';
      dispose = () => {
        diff.dispose();
        original.dispose();
        modified.dispose();
      };
    });
    return () => {
      cancelled = true;
      dispose();
    };
  }, [path, before, after]);
  return host;
}
