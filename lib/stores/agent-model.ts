import { atom, type ReadableAtom } from 'nanostores';
import type { ModelInfo } from '@/lib/agent/chat-api';

// The agent panel's model picker: the server's model list and the user's choice, remembered in
// localStorage across visits (a stale choice falls back to the server's default).

/** Where the model picker's choice is kept (localStorage). */
const MODEL_STORAGE_KEY = 'ide:agent-model';

type ChoiceStorage = Pick<Storage, 'getItem' | 'setItem'> | null | undefined;

export class ModelChoice {
  readonly #info = atom<ModelInfo | null>(null);
  readonly #model = atom<string | null>(null);
  readonly info: ReadableAtom<ModelInfo | null> = this.#info;
  readonly model: ReadableAtom<string | null> = this.#model;
  readonly #storage: ChoiceStorage;
  readonly #key: string;

  constructor(storage: ChoiceStorage, key = MODEL_STORAGE_KEY) {
    this.#storage = storage;
    this.#key = key;
  }

  /** The chosen model, or undefined for the server's default. */
  get current(): string | undefined {
    return this.#model.get() ?? undefined;
  }

  /** The server's list arrived: keep the remembered choice if the server still offers it. */
  load(info: ModelInfo): void {
    this.#info.set(info);
    const saved = this.#storage?.getItem(this.#key) ?? null;
    this.#model.set(saved && info.models.includes(saved) ? saved : info.defaultModel);
  }

  pick(model: string): void {
    if (!this.#info.get()?.models.includes(model)) return;
    this.#model.set(model);
    try {
      this.#storage?.setItem(this.#key, model);
    } catch {
      // Not remembered: storage is disabled.
    }
  }
}
