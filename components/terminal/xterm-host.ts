import { FitAddon } from '@xterm/addon-fit';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { Terminal, type ITheme } from '@xterm/xterm';
import type { TerminalsStore } from '@/lib/stores/terminals';

// One xterm per terminal session, kept alive while the session lives, so switching tabs or hiding
// the panel keeps scrollback and selection; the view only moves its element into place.

const light: ITheme = {
  background: '#ffffff',
  foreground: '#27272a',
  cursor: '#4f46e5',
  selectionBackground: '#c7d2fe',
  black: '#27272a',
  brightBlack: '#71717a',
};
const dark: ITheme = {
  background: '#09090b',
  foreground: '#e4e4e7',
  cursor: '#a5b4fc',
  selectionBackground: '#3730a3',
  black: '#18181b',
  brightBlack: '#a1a1aa',
};

export interface XtermHandle {
  element: HTMLDivElement;
  fit(): void;
  focus(): void;
  dispose(): void;
}

export function createXterm(
  store: TerminalsStore,
  id: string,
  options: { readOnly: boolean; openLink: (url: string) => void },
): XtermHandle {
  const element = document.createElement('div');
  element.className = 'h-full w-full';
  const query = window.matchMedia('(prefers-color-scheme: dark)');
  const term = new Terminal({
    fontFamily: getComputedStyle(document.documentElement).getPropertyValue('--font-geist-mono').trim() || 'ui-monospace, monospace',
    fontSize: 13,
    lineHeight: 1.2,
    cursorBlink: !options.readOnly,
    disableStdin: options.readOnly,
    scrollback: 5000,
    allowProposedApi: false,
    theme: query.matches ? dark : light,
  });
  const fit = new FitAddon();
  term.loadAddon(fit);
  term.loadAddon(new WebLinksAddon((event, url) => {
    event.preventDefault();
    options.openLink(url);
  }));
  term.open(element);

  // Copy with a selection (Ctrl/Cmd+C, or Ctrl+Shift+C) instead of sending ^C; paste goes
  // through the browser's paste event, which xterm turns into input.
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== 'keydown') return true;
    const mod = e.ctrlKey || e.metaKey;
    const key = e.key.toLowerCase();
    if (mod && key === 'c' && (e.shiftKey || term.hasSelection())) {
      if (term.hasSelection()) void navigator.clipboard?.writeText(term.getSelection());
      return false;
    }
    if (mod && key === 'v') return false;
    return true;
  });

  const input = term.onData((data) => store.write(id, data));
  const detach = store.attach(id, (chunk) => term.write(chunk));
  const applyTheme = () => (term.options.theme = query.matches ? dark : light);
  query.addEventListener('change', applyTheme);

  return {
    element,
    fit() {
      if (!element.isConnected || element.clientWidth === 0 || element.clientHeight === 0) return;
      fit.fit();
      store.resize(id, { cols: term.cols, rows: term.rows });
    },
    focus: () => term.focus(),
    dispose() {
      query.removeEventListener('change', applyTheme);
      input.dispose();
      detach();
      term.dispose();
    },
  };
}
