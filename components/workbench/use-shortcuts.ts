'use client';

import { useEffect } from 'react';
import type { WorkbenchStore } from '@/lib/stores/workbench';

/**
 * Page-wide shortcuts, handled in the capture phase so they work whatever has focus (Monaco, a
 * terminal, the tree) and the browser's own meaning (save page, print, find) does not fire.
 */
export function useShortcuts(wb: WorkbenchStore, onSearch: () => void): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const mod = e.ctrlKey || e.metaKey;
      if (!mod || e.altKey) return;
      const key = e.key.toLowerCase();
      let handled = true;
      if (key === 's' && !e.shiftKey) {
        const path = wb.editor.active.get();
        if (path) void wb.files.save(path);
      } else if (key === 'p' && !e.shiftKey) {
        wb.editor.showOverlay('quick-open');
      } else if (key === 'f' && e.shiftKey) {
        wb.togglePanel('sidebar', true);
        wb.editor.showSidebar('search');
        onSearch();
      } else if (key === 'e' && e.shiftKey) {
        wb.togglePanel('sidebar', true);
        wb.editor.showSidebar('files');
      } else if (key === '`') {
        wb.togglePanel('terminal');
      } else if (key === 'b' && !e.shiftKey && !(e.target instanceof HTMLElement && e.target.closest('.xterm'))) {
        wb.togglePanel('sidebar');
      } else {
        handled = false;
      }
      if (handled) {
        e.preventDefault();
        e.stopPropagation();
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [wb, onSearch]);
}
