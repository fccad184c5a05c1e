import type * as MonacoNs from 'monaco-editor';
import type { FileSnapshot, FilesStore } from '@/lib/stores/files';
import { isWithin } from '@/lib/files/path';
import { uriFor, type Monaco } from '@/components/editor/monaco';

type Changed = (path: string, model: MonacoNs.editor.ITextModel | null, byUser: boolean) => void;

/**
 * One Monaco model per project file the editor knows: the open ones, and every TS/JS/JSON file so
 * the TypeScript service sees the whole project (imports resolve, errors span files). User edits
 * of any model go to the files store, which autosaves them; text the store replaces (their version,
 * a remote change) is applied as an undoable edit, so nothing typed is unrecoverable.
 */
export class ModelRegistry {
  readonly #monaco: Monaco;
  readonly #files: FilesStore;
  readonly #models = new Map<string, { model: MonacoNs.editor.ITextModel; listener: MonacoNs.IDisposable }>();
  /** Server snapshots of models the files store has not opened (background project files). */
  readonly #base = new Map<string, FileSnapshot>();
  readonly #offReplaced: () => void;
  readonly #changed: Changed;
  #applying = false;

  /** `changed` hears of every model made, changed (`byUser`: typed, not applied by us) or disposed. */
  constructor(monaco: Monaco, files: FilesStore, changed: Changed = () => {}) {
    this.#monaco = monaco;
    this.#files = files;
    this.#changed = changed;
    this.#offReplaced = files.onReplaced((path, content) => this.#apply(path, content, true));
  }

  get(path: string): MonacoNs.editor.ITextModel | undefined {
    return this.#models.get(path)?.model;
  }

  /** The file is shown in the editor: the files store decides its text (a draft wins over the server's). */
  openForEditing(snapshot: FileSnapshot): MonacoNs.editor.ITextModel {
    this.#base.delete(snapshot.path);
    const text = this.#files.open(snapshot);
    return this.#ensure(snapshot.path, text);
  }

  /** A newer server copy of any file with a model (refetch, another tab, the sandbox). */
  snapshot(snapshot: FileSnapshot): void {
    if (this.#files.isOpen(snapshot.path)) {
      this.#files.open(snapshot);
      return;
    }
    const base = this.#base.get(snapshot.path);
    if (base && base.version >= snapshot.version) return;
    this.#base.set(snapshot.path, snapshot);
    this.#apply(snapshot.path, snapshot.content, false);
  }

  /** Keeps models only for these paths (and what the files store has open). */
  retain(paths: ReadonlySet<string>): void {
    for (const path of [...this.#models.keys()]) {
      if (!paths.has(path) && !this.#files.isOpen(path)) this.#dispose(path);
    }
  }

  /** A file or folder was deleted or moved away. */
  remove(folder: string): void {
    for (const path of [...this.#models.keys()]) if (isWithin(path, folder)) this.#dispose(path);
  }

  dispose(): void {
    this.#offReplaced();
    for (const path of [...this.#models.keys()]) this.#dispose(path);
  }

  #ensure(path: string, text: string): MonacoNs.editor.ITextModel {
    const existing = this.#models.get(path);
    if (existing) {
      if (existing.model.getValue() !== text) this.#apply(path, text, true);
      return existing.model;
    }
    const uri = uriFor(this.#monaco, path);
    // A model can outlive us (hot reload, a second workbench): reuse it rather than fail on the URI.
    const model = this.#monaco.editor.getModel(uri) ?? this.#monaco.editor.createModel(text, undefined, uri);
    if (model.getValue() !== text) model.setValue(text);
    const listener = model.onDidChangeContent(() => {
      this.#changed(path, model, !this.#applying);
      if (this.#applying) return;
      if (!this.#files.isOpen(path)) {
        // Edited without being open: a rename-symbol or quick fix reaching into another file.
        const base = this.#base.get(path);
        if (!base) return;
        this.#files.open(base);
        this.#base.delete(path);
      }
      this.#files.edit(path, model.getValue());
    });
    this.#models.set(path, { model, listener });
    this.#changed(path, model, false);
    return model;
  }

  #apply(path: string, text: string, undoable: boolean): void {
    const entry = this.#models.get(path);
    if (!entry) {
      if (!undoable) this.#ensure(path, text);
      return;
    }
    const { model } = entry;
    if (model.getValue() === text) return;
    this.#applying = true;
    try {
      if (undoable) {
        model.pushStackElement();
        model.pushEditOperations([], [{ range: model.getFullModelRange(), text }], () => null);
        model.pushStackElement();
      } else {
        model.setValue(text);
      }
    } finally {
      this.#applying = false;
    }
  }

  #dispose(path: string): void {
    const entry = this.#models.get(path);
    if (!entry) return;
    entry.listener.dispose();
    entry.model.dispose();
    this.#models.delete(path);
    this.#base.delete(path);
    this.#changed(path, null, false);
  }
}

/** A file the TypeScript service handles (its models start the service). */
export function isScriptPath(path: string): boolean {
  return /\.(tsx?|mts|cts|jsx?|mjs|cjs)$/.test(path);
}

/** Files the TypeScript service should see. node_modules and build output are the sandbox's business. */
export function isTypeScriptRelevant(path: string, size: number): boolean {
  if (size > 512 * 1024) return false;
  if (/(^|\/)(node_modules|dist|build|\.next|coverage)\//.test(path)) return false;
  return /\.(tsx?|mts|cts|jsx?|mjs|cjs|json)$/.test(path);
}
