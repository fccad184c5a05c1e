import { atom, type ReadableAtom } from 'nanostores';

// A handle on the live Monaco editor for UI outside it (status bar, toolbar): actions run only
// while an editor is mounted, and the cursor position is published for the status bar.

export interface CursorInfo {
  line: number;
  column: number;
  language: string;
}

interface EditorLike {
  focus(): void;
  getAction(id: string): { run(): Promise<void> } | null;
}

export class EditorCommands {
  readonly #cursor = atom<CursorInfo | null>(null);
  readonly cursor: ReadableAtom<CursorInfo | null> = this.#cursor;
  #editor: EditorLike | null = null;

  attach(editor: EditorLike | null): void {
    this.#editor = editor;
    if (!editor) this.#cursor.set(null);
  }

  setCursor(info: CursorInfo | null): void {
    this.#cursor.set(info);
  }

  run(actionId: 'editor.action.gotoLine' | 'editor.action.formatDocument' | 'actions.find'): void {
    const editor = this.#editor;
    if (!editor) return;
    editor.focus();
    void editor.getAction(actionId)?.run();
  }

  focus(): void {
    this.#editor?.focus();
  }
}
