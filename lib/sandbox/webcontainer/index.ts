import type { WebContainer, WebContainerProcess } from '@webcontainer/api';
import type { DirEntry, ExitInfo, FsEvent, Sandbox, SandboxFs, SandboxProcess, ServerReadyEvent, SpawnOptions, Unsubscribe } from '@/lib/sandbox/types';
import { EXPORT_EXCLUDES, toFlatTree, toNestedTree } from '@/lib/sandbox/webcontainer/tree';
import { withIdeOrigin } from '@/lib/design/capture-origin';
import { CAPTURE_SCRIPT_PATH } from '@/lib/design/protocol';
import { PREVIEW_BRIDGE_SCRIPT } from '@/lib/stores/preview';

// The WebContainer adapter: the sandbox runs in this tab (StackBlitz's runtime, loaded from
// stackblitz.com). One per tab: the runtime allows a single instance. The network policy cannot be
// enforced here (the runtime's network goes through StackBlitz's relay); the host adapter enforces it.

let booting: Promise<WebContainer> | undefined;

/** Boots the tab's WebContainer once; later calls share it. The caller applies a time limit. */
export function bootWebContainer(): Promise<WebContainer> {
  booting ??= import('@webcontainer/api').then(({ WebContainer }) =>
    // credentialless matches the page's Cross-Origin-Embedder-Policy (next.config.mjs).
    WebContainer.boot({ coep: 'credentialless', workdirName: 'project', forwardPreviewErrors: true }),
  );
  booting.catch(() => (booting = undefined));
  return booting;
}

/** The capture script (lib/design/capture-script.ts) answering this page's origin; empty if unavailable. */
async function captureScript(): Promise<string> {
  try {
    const res = await fetch(CAPTURE_SCRIPT_PATH);
    return res.ok ? withIdeOrigin(await res.text(), location.origin) : '';
  } catch (error) {
    console.warn('capture script not loaded:', error);
    return '';
  }
}

export async function createWebContainerSandbox(wc: WebContainer): Promise<Sandbox> {
  await wc.setPreviewScript(`${PREVIEW_BRIDGE_SCRIPT}\n${await captureScript()}`).catch((e: unknown) => console.warn('preview script not set:', e));
  const processes = new Set<WebContainerProcess>();
  const fs = webContainerFs(wc);
  return {
    kind: 'webcontainer',
    fs,
    async spawn(command: string, args: string[] = [], options: SpawnOptions = {}): Promise<SandboxProcess> {
      const proc = await wc.spawn(command, args, { cwd: options.cwd, env: options.env, terminal: options.terminal ?? { cols: 120, rows: 30 } });
      processes.add(proc);
      return wrapProcess(proc, options.timeoutMs, () => processes.delete(proc));
    },
    onServerReady(listener: (event: ServerReadyEvent) => void): Unsubscribe {
      return wc.on('server-ready', (port, url) => listener({ port, url }));
    },
    onPortClosed(listener: (port: number) => void): Unsubscribe {
      return wc.on('port', (port, type) => {
        if (type === 'close') listener(port);
      });
    },
    mount: (tree) => wc.mount(toNestedTree(tree)),
    async exportTree() {
      return toFlatTree(await wc.export('.', { format: 'json', excludes: EXPORT_EXCLUDES }));
    },
    async dispose() {
      for (const proc of processes) proc.kill();
      processes.clear();
      wc.teardown();
      booting = undefined;
    },
  };
}

let processCounter = 0;

function wrapProcess(proc: WebContainerProcess, timeoutMs: number | undefined, onExit: () => void): SandboxProcess {
  const listeners = new Set<(chunk: string) => void>();
  const writer = proc.input.getWriter();
  let ended: ExitInfo['reason'];
  void proc.output.pipeTo(new WritableStream({ write: (chunk) => listeners.forEach((l) => l(chunk)) })).catch(() => undefined);
  const timer = timeoutMs
    ? setTimeout(() => {
        ended = 'timeout';
        proc.kill();
      }, timeoutMs)
    : undefined;
  const exit = proc.exit.then((code): ExitInfo => {
    clearTimeout(timer);
    onExit();
    if (ended === 'timeout') return { code: code || 124, reason: 'timeout', message: `Stopped after ${timeoutMs} ms (time limit).` };
    if (ended === 'killed') return { code: code || 130, reason: 'killed', message: 'Stopped.' };
    return { code };
  });
  return {
    id: `wc-${++processCounter}`,
    onOutput(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    write: (data) => void writer.write(data).catch(() => undefined),
    resize: (size) => proc.resize(size),
    kill() {
      ended ??= 'killed';
      proc.kill();
    },
    exit,
  };
}

function webContainerFs(wc: WebContainer): SandboxFs {
  const kindOf = async (path: string): Promise<'file' | 'directory' | null> => {
    try {
      await wc.fs.readdir(path);
      return 'directory';
    } catch {
      try {
        await wc.fs.readFile(path);
        return 'file';
      } catch {
        return null;
      }
    }
  };
  return {
    readFile: (path) => wc.fs.readFile(path),
    readTextFile: (path) => wc.fs.readFile(path, 'utf8'),
    async writeFile(path, data) {
      const dir = path.split('/').slice(0, -1).join('/');
      if (dir) await wc.fs.mkdir(dir, { recursive: true });
      await wc.fs.writeFile(path, data);
    },
    async mkdir(path, options) {
      if (options?.recursive) await wc.fs.mkdir(path, { recursive: true });
      else await wc.fs.mkdir(path);
    },
    async readdir(path): Promise<DirEntry[]> {
      const entries = await wc.fs.readdir(path || '.', { withFileTypes: true });
      return entries.map((e) => ({ name: e.name, kind: e.isDirectory() ? 'directory' : 'file' }));
    },
    rm: (path, options) => wc.fs.rm(path, options),
    rename: (from, to) => wc.fs.rename(from, to),
    watch(path, listener) {
      const base = path === '' || path === '.' ? '' : path.replace(/\/$/, '');
      const pending = new Map<string, 'rename' | 'change'>();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const flush = async () => {
        timer = undefined;
        const batch = [...pending];
        pending.clear();
        const events: FsEvent[] = [];
        for (const [rel, kind] of batch) {
          const full = base ? `${base}/${rel}` : rel;
          const now = await kindOf(full);
          if (kind === 'change' && now === 'file') events.push({ type: 'change', path: full });
          else if (now === 'file') events.push({ type: 'add', path: full });
          else if (now === 'directory') events.push({ type: 'addDir', path: full });
          else events.push({ type: 'unlink', path: full });
        }
        if (events.length > 0) listener(events);
      };
      const watcher = wc.fs.watch(base || '.', { recursive: true }, (event, filename) => {
        const rel = typeof filename === 'string' ? filename : new TextDecoder().decode(filename);
        if (rel.startsWith('node_modules/') || rel === 'node_modules' || rel.startsWith('.git/')) return;
        pending.set(rel, pending.get(rel) === 'rename' ? 'rename' : event);
        timer ??= setTimeout(() => void flush(), 100);
      });
      return () => {
        clearTimeout(timer);
        watcher.close();
      };
    },
  };
}
