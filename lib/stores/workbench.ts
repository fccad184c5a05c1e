import { atom, type ReadableAtom } from 'nanostores';
import type { Sandbox, SandboxProcess } from '@/lib/sandbox/types';
import type { EditorStore, StorageLike } from '@/lib/stores/editor';
import type { FilesStore } from '@/lib/stores/files';
import type { PreviewStore } from '@/lib/stores/preview';
import type { SandboxStore } from '@/lib/stores/sandbox';
import type { TerminalsStore } from '@/lib/stores/terminals';
import { errorText } from '@/lib/errors';

// The workbench facade: composes the per-concern stores for one project page, and owns what spans
// them — the boot stages (editor, sandbox, install, dev server), which panels are shown, and the
// file tree's expanded folders.

export type StageName = 'editor' | 'sandbox' | 'install' | 'dev-server';
export type StageStatus = 'pending' | 'running' | 'done' | 'failed' | 'skipped';

export interface Stage {
  status: StageStatus;
  startedAt?: number;
  /** How long it took (done or failed). */
  ms?: number;
  /** What it did or why it was skipped ("sandbox: host", "no dependencies"). */
  detail?: string;
  error?: string;
}

export const STAGE_ORDER: readonly StageName[] = ['editor', 'sandbox', 'install', 'dev-server'];
export const STAGE_LABELS: Record<StageName, string> = {
  editor: 'Editor',
  sandbox: 'Sandbox',
  install: 'Install',
  'dev-server': 'Dev server',
};

export interface Panels {
  sidebar: boolean;
  preview: boolean;
  terminal: boolean;
  agent: boolean;
}

export type BottomView = 'terminal' | 'problems';

export interface WorkbenchParts {
  projectId: string;
  files: FilesStore;
  editor: EditorStore;
  terminals: TerminalsStore;
  preview: PreviewStore;
  storage: StorageLike | null;
  /** The booted sandbox (shared promise); also tells its kind and why it fell back, when it did. */
  sandbox: () => Promise<Sandbox>;
  /** Boot state, fallback reason, dev servers and the sync (absent in tests that pass a bare sandbox). */
  sandboxState?: SandboxStore;
  now?: () => number;
}

const DEV_SERVER_TIMEOUT_MS = 120_000;

export class WorkbenchStore {
  readonly projectId: string;
  readonly files: FilesStore;
  readonly editor: EditorStore;
  readonly terminals: TerminalsStore;
  readonly preview: PreviewStore;
  readonly sandboxState: SandboxStore | null;

  readonly #stages = atom<Record<StageName, Stage>>({
    editor: { status: 'pending' },
    sandbox: { status: 'pending' },
    install: { status: 'pending' },
    'dev-server': { status: 'pending' },
  });
  readonly #panels = atom<Panels>({ sidebar: true, preview: true, terminal: true, agent: true });
  readonly #bottom = atom<BottomView>('terminal');
  readonly #expanded = atom<string[]>([]);
  readonly #pendingFolders = atom<string[]>([]);
  readonly #agentChat = atom<string | null>(null);
  readonly stages: ReadableAtom<Record<StageName, Stage>> = this.#stages;
  readonly panels: ReadableAtom<Panels> = this.#panels;
  readonly bottom: ReadableAtom<BottomView> = this.#bottom;
  readonly expanded: ReadableAtom<string[]> = this.#expanded;
  /** Folders made in the tree that hold no file yet (the database only knows files). */
  readonly pendingFolders: ReadableAtom<string[]> = this.#pendingFolders;
  /** The conversation the agent panel shows; the history panel sets it after a restore. */
  readonly agentChat: ReadableAtom<string | null> = this.#agentChat;

  readonly #sandbox: () => Promise<Sandbox>;
  readonly #storage: StorageLike | null;
  readonly #now: () => number;
  #devServer?: SandboxProcess;
  #disposed = false;

  constructor(parts: WorkbenchParts) {
    this.projectId = parts.projectId;
    this.files = parts.files;
    this.editor = parts.editor;
    this.terminals = parts.terminals;
    this.preview = parts.preview;
    this.sandboxState = parts.sandboxState ?? null;
    this.#sandbox = parts.sandbox;
    this.#storage = parts.storage;
    this.#now = parts.now ?? (() => performance.now());
    const saved = this.#load<{ panels?: Partial<Panels>; expanded?: string[] }>('ui');
    if (saved?.panels) this.#panels.set({ ...this.#panels.get(), ...pickBooleans(saved.panels) });
    if (Array.isArray(saved?.expanded)) this.#expanded.set(saved.expanded.filter((p) => typeof p === 'string'));
  }

  showAgentChat(chatId: string | null): void {
    this.#agentChat.set(chatId);
  }

  togglePanel(panel: keyof Panels, open = !this.#panels.get()[panel]): void {
    this.#panels.set({ ...this.#panels.get(), [panel]: open });
    this.#persistUi();
  }

  showBottom(view: BottomView): void {
    this.#bottom.set(view);
    if (!this.#panels.get().terminal) this.togglePanel('terminal', true);
  }

  setExpanded(folder: string, open: boolean): void {
    const current = this.#expanded.get();
    if (open === current.includes(folder)) return;
    this.#expanded.set(open ? [...current, folder] : current.filter((f) => f !== folder));
    this.#persistUi();
  }

  collapseAll(): void {
    this.#expanded.set([]);
    this.#persistUi();
  }

  addPendingFolder(path: string): void {
    if (!this.#pendingFolders.get().includes(path)) this.#pendingFolders.set([...this.#pendingFolders.get(), path]);
  }

  /** Pending folders that now hold files (or were removed) stop being pending. */
  prunePendingFolders(keep: (folder: string) => boolean): void {
    const next = this.#pendingFolders.get().filter(keep);
    if (next.length !== this.#pendingFolders.get().length) this.#pendingFolders.set(next);
  }

  stageStarted(name: StageName, detail?: string): void {
    this.#setStage(name, { status: 'running', startedAt: this.#now(), detail });
  }

  stageDone(name: StageName, detail?: string): void {
    const stage = this.#stages.get()[name];
    const ms = stage.startedAt === undefined ? undefined : Math.round(this.#now() - stage.startedAt);
    this.#setStage(name, { ...stage, status: 'done', ms, detail: detail ?? stage.detail, error: undefined });
  }

  stageSkipped(name: StageName, detail: string): void {
    this.#setStage(name, { status: 'skipped', detail });
  }

  stageFailed(name: StageName, error: unknown): void {
    const stage = this.#stages.get()[name];
    const ms = stage.startedAt === undefined ? undefined : Math.round(this.#now() - stage.startedAt);
    this.#setStage(name, { ...stage, status: 'failed', ms, error: errorText(error) });
  }

  /**
   * Sandbox → install → dev server. `manifest` is the project's package.json text (null: none).
   * Each stage's output is shown in a terminal tab; a failed stage stops the chain until retried.
   */
  async boot(manifest: () => Promise<string | null>, from: StageName = 'sandbox'): Promise<void> {
    const start = STAGE_ORDER.indexOf(from);
    let sandbox: Sandbox;
    try {
      if (start <= STAGE_ORDER.indexOf('sandbox')) this.stageStarted('sandbox');
      sandbox = await this.#sandbox();
      if (start <= STAGE_ORDER.indexOf('sandbox')) this.stageDone('sandbox', sandbox.kind === 'host' ? 'host sandbox' : 'WebContainer');
    } catch (error) {
      this.stageFailed('sandbox', error);
      return;
    }
    if (this.#disposed) return;
    const pkg = parseManifest(await manifest().catch(() => null));
    if (start <= STAGE_ORDER.indexOf('install')) {
      if (!pkg) this.stageSkipped('install', 'no package.json');
      else if (!pkg.hasDependencies) this.stageSkipped('install', 'no dependencies');
      else if (!(await this.#run(sandbox, 'install', 'npm install', ['install', '--no-audit', '--no-fund']))) return;
    }
    if (this.#disposed) return;
    if (!pkg?.devScript) {
      this.stageSkipped('dev-server', pkg ? 'no "dev" script' : 'no package.json');
      return;
    }
    await this.#startDevServer(sandbox);
  }

  retry(name: StageName, manifest: () => Promise<string | null>): Promise<void> {
    return this.boot(manifest, name === 'editor' ? 'sandbox' : name);
  }

  dispose(): void {
    this.#disposed = true;
    this.#devServer?.kill();
    this.terminals.dispose();
    this.files.dispose();
    void this.sandboxState?.dispose();
  }

  async #run(sandbox: Sandbox, stage: StageName, title: string, args: string[]): Promise<boolean> {
    this.stageStarted(stage, title);
    try {
      const process = await sandbox.spawn('npm', args, { terminal: { cols: 100, rows: 30 }, network: 'allowlist' });
      this.terminals.adopt(title, process);
      const exit = await process.exit;
      if (exit.code !== 0) throw new Error(exit.message ?? `${title} exited with code ${exit.code}${exit.reason ? ` (${exit.reason})` : ''}`);
      this.stageDone(stage);
      return true;
    } catch (error) {
      this.stageFailed(stage, error);
      return false;
    }
  }

  async #startDevServer(sandbox: Sandbox): Promise<void> {
    this.stageStarted('dev-server', 'npm run dev');
    this.#devServer?.kill();
    try {
      const ready = new Promise<number>((resolve) => {
        const off = sandbox.onServerReady(({ port }) => {
          off();
          resolve(port);
        });
      });
      const process = await sandbox.spawn('npm', ['run', 'dev'], { terminal: { cols: 100, rows: 30 }, network: 'allowlist' });
      this.#devServer = process;
      this.terminals.adopt('Dev server', process);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const outcome = await Promise.race([
        ready.then((port) => ({ port })),
        process.exit.then((exit) => ({ exit })),
        new Promise<{ timeout: true }>((r) => (timer = setTimeout(() => r({ timeout: true }), DEV_SERVER_TIMEOUT_MS))),
      ]);
      clearTimeout(timer);
      if ('port' in outcome) this.stageDone('dev-server', `port ${outcome.port}`);
      else if ('exit' in outcome) throw new Error(outcome.exit.message ?? `The dev server exited with code ${outcome.exit.code} before it was ready.`);
      else throw new Error(`The dev server did not open a port within ${DEV_SERVER_TIMEOUT_MS / 1000} s.`);
    } catch (error) {
      this.stageFailed('dev-server', error);
    }
  }

  #setStage(name: StageName, stage: Stage): void {
    this.#stages.set({ ...this.#stages.get(), [name]: stage });
  }

  #load<T>(key: string): T | null {
    try {
      const raw = this.#storage?.getItem(`ide:${this.projectId}:${key}`);
      return raw ? (JSON.parse(raw) as T) : null;
    } catch {
      return null;
    }
  }

  #persistUi(): void {
    try {
      this.#storage?.setItem(`ide:${this.projectId}:ui`, JSON.stringify({ panels: this.#panels.get(), expanded: this.#expanded.get() }));
    } catch (error) {
      console.warn('could not remember the layout:', error);
    }
  }
}

function pickBooleans(value: Partial<Panels>): Partial<Panels> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => typeof v === 'boolean'));
}

export function parseManifest(text: string | null): { hasDependencies: boolean; devScript: boolean } | null {
  if (text === null) return null;
  try {
    const pkg = JSON.parse(text) as { dependencies?: object; devDependencies?: object; scripts?: Record<string, unknown> };
    const count = (o?: object) => (o && typeof o === 'object' ? Object.keys(o).length : 0);
    return {
      hasDependencies: count(pkg.dependencies) + count(pkg.devDependencies) > 0,
      devScript: typeof pkg.scripts?.dev === 'string',
    };
  } catch {
    return { hasDependencies: false, devScript: false };
  }
}
