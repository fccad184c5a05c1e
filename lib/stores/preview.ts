import { atom, computed, type ReadableAtom } from 'nanostores';

// The preview pane: which dev server (port) is shown, the path in its URL bar, the device width,
// and the runtime problems the preview page reported (console errors, unhandled rejections, failed
// module loads) through the bridge script below.

export type Device = 'desktop' | 'tablet' | 'mobile';
export const DEVICE_WIDTHS: Record<Device, number | null> = { desktop: null, tablet: 768, mobile: 375 };

export type ProblemKind = 'error' | 'unhandledrejection' | 'console' | 'load';

export interface Problem {
  id: string;
  kind: ProblemKind;
  message: string;
  /** Project path when the source maps onto one ("src/App.tsx"), else the URL as reported. */
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
  count: number;
  at: number;
}

/**
 * A host sandbox's preview is private: the frame first loads this path on the preview's origin with a
 * short-lived ticket from the IDE (tRPC sandbox.previewTicket); the proxy sets a cookie for that origin
 * and redirects to `to`.
 */
export const PREVIEW_ENTRY_PATH = '/__ide/enter';

/** "http://5173-x.preview.localhost:3000/about" + ticket → the entry URL that lands on /about. */
export function previewEntryUrl(url: string, ticket: string): string {
  const target = new URL(url);
  const entry = new URL(PREVIEW_ENTRY_PATH, target.origin);
  entry.searchParams.set('ticket', ticket);
  entry.searchParams.set('to', target.pathname + target.search + target.hash);
  return entry.toString();
}

const MAX_PROBLEMS = 100;
const MAX_TEXT = 4000;

/**
 * Runs inside the preview page (injected by the preview proxy, or WebContainer's preview script):
 * forwards runtime errors and navigations to the IDE. Posting to '*' is deliberate: the messages
 * hold only the preview's own errors, and the IDE checks the sender's origin and window.
 */
export const PREVIEW_BRIDGE_SCRIPT = `(() => {
  if (window.parent === window || window.__ideBridge) return;
  window.__ideBridge = true;
  const send = (m) => { try { window.parent.postMessage(Object.assign({ source: 'ide-preview' }, m), '*'); } catch {} };
  const text = (v) => { try { return v instanceof Error ? v.message : typeof v === 'string' ? v : JSON.stringify(v); } catch { return String(v); } };
  addEventListener('error', (e) => {
    if (e instanceof ErrorEvent) send({ type: 'error', message: e.message, url: e.filename, line: e.lineno, column: e.colno, stack: e.error && e.error.stack });
    else if (e.target && (e.target.src || e.target.href)) send({ type: 'load', message: 'Failed to load ' + (e.target.src || e.target.href), url: e.target.src || e.target.href });
  }, true);
  addEventListener('unhandledrejection', (e) => send({ type: 'unhandledrejection', message: text(e.reason), stack: e.reason && e.reason.stack }));
  const error = console.error;
  console.error = function (...args) { send({ type: 'console', message: args.map(text).join(' ') }); return error.apply(this, args); };
  const where = () => send({ type: 'location', href: location.href });
  for (const k of ['pushState', 'replaceState']) { const f = history[k]; history[k] = function (...a) { const r = f.apply(this, a); where(); return r; }; }
  addEventListener('popstate', where); addEventListener('hashchange', where); where();
})();`;

export interface PreviewStoreOptions {
  /** Dev servers of the sandbox: port → preview URL. */
  servers: ReadableAtom<Record<number, string>>;
}

export class PreviewStore {
  readonly #port = atom<number | null>(null);
  readonly #path = atom('/');
  /** What the frame was last told to load; in-page navigation moves #path, not this. */
  readonly #target = atom('/');
  readonly #device = atom<Device>('desktop');
  readonly #reloads = atom(0);
  readonly #problems = atom<Problem[]>([]);
  readonly servers: ReadableAtom<Record<number, string>>;
  readonly port: ReadableAtom<number | null>;
  readonly path: ReadableAtom<string> = this.#path;
  readonly device: ReadableAtom<Device> = this.#device;
  /** Bumped on reload: the frame is keyed on it. */
  readonly reloads: ReadableAtom<number> = this.#reloads;
  readonly problems: ReadableAtom<Problem[]> = this.#problems;
  /** The origin of the shown server, for checking who posts messages. */
  readonly origin: ReadableAtom<string | null>;
  /** The address shown: the preview's origin plus where the page is now. */
  readonly url: ReadableAtom<string | null>;
  /** What the frame loads: changes on navigate, port switch and reload only, never on in-page navigation. */
  readonly frameUrl: ReadableAtom<string | null>;

  #seq = 0;

  constructor(options: PreviewStoreOptions) {
    this.servers = options.servers;
    // The selected port if it still exists, else the lowest one (the app's, usually, before tools' servers).
    this.port = computed([this.#port, this.servers], (chosen, servers) => {
      const ports = Object.keys(servers).map(Number);
      if (chosen !== null && ports.includes(chosen)) return chosen;
      return ports.length > 0 ? Math.min(...ports) : null;
    });
    this.origin = computed([this.port, this.servers], (port, servers) => {
      const base = port === null ? undefined : servers[port];
      return base ? new URL(base).origin : null;
    });
    this.url = computed([this.origin, this.#path], (origin, path) => (origin ? origin + path : null));
    this.frameUrl = computed([this.origin, this.#target], (origin, path) => (origin ? origin + path : null));
  }

  selectPort(port: number): void {
    this.#port.set(port);
    this.#path.set('/');
    this.#target.set('/');
  }

  /** From the URL bar: a path ("/about"), or a full URL on the preview's origin. */
  navigate(input: string): void {
    const origin = this.origin.get();
    let path = input.trim() || '/';
    if (/^https?:\/\//i.test(path)) {
      const url = new URL(path);
      if (origin && url.origin !== origin) throw new Error(`The preview only shows ${origin}.`);
      path = url.pathname + url.search + url.hash;
    }
    if (!path.startsWith('/')) path = `/${path}`;
    this.#path.set(path);
    this.#target.set(path);
    this.reload();
  }

  reload(): void {
    this.#reloads.set(this.#reloads.get() + 1);
  }

  setDevice(device: Device): void {
    this.#device.set(device);
  }

  clearProblems(): void {
    this.#problems.set([]);
  }

  /**
   * A message posted by the preview page. The caller has checked that it came from the preview
   * frame; its content is still untrusted (any code runs there), so it is checked and cut to size.
   */
  receive(data: unknown): void {
    if (!data || typeof data !== 'object') return;
    const m = data as Record<string, unknown>;
    if (m.source !== 'ide-preview' || typeof m.type !== 'string') return;
    if (m.type === 'location') {
      const origin = this.origin.get();
      if (typeof m.href === 'string' && origin) {
        const url = safeUrl(m.href);
        if (url?.origin === origin) this.#path.set(url.pathname + url.search + url.hash);
      }
      return;
    }
    if (!['error', 'unhandledrejection', 'console', 'load'].includes(m.type)) return;
    const message = str(m.message) || 'Unknown error';
    const mapped = this.#toProjectFile(str(m.url));
    const stackLocation = !mapped.file ? this.#locationFromStack(str(m.stack)) : undefined;
    const problem: Omit<Problem, 'id' | 'count' | 'at'> = {
      kind: m.type as ProblemKind,
      message,
      file: mapped.file ?? stackLocation?.file,
      line: num(m.line) ?? stackLocation?.line,
      column: num(m.column) ?? stackLocation?.column,
      stack: str(m.stack) || undefined,
    };
    const problems = this.#problems.get();
    const same = problems.find(
      (p) => p.kind === problem.kind && p.message === problem.message && p.file === problem.file && p.line === problem.line,
    );
    if (same) {
      this.#problems.set(problems.map((p) => (p === same ? { ...p, count: p.count + 1, at: Date.now() } : p)));
      return;
    }
    const next = [...problems, { ...problem, id: `problem-${++this.#seq}`, count: 1, at: Date.now() }];
    this.#problems.set(next.slice(-MAX_PROBLEMS));
  }

  /** "http://5173-x.preview.localhost:3000/src/App.tsx?t=1" → "src/App.tsx" when it is on the preview's origin. */
  #toProjectFile(url: string): { file?: string } {
    if (!url) return {};
    const parsed = safeUrl(url);
    if (!parsed) return { file: url };
    if (parsed.origin !== this.origin.get()) return { file: url };
    const path = decodeURIComponent(parsed.pathname).replace(/^\/+/, '').replace(/^@fs\/.*?\/workspace\//, '');
    return { file: path || url };
  }

  #locationFromStack(stack: string): { file: string; line: number; column: number } | undefined {
    const match = /(https?:\/\/[^\s)]+?):(\d+):(\d+)/.exec(stack);
    if (!match) return undefined;
    const { file } = this.#toProjectFile(match[1]!);
    return file ? { file, line: Number(match[2]), column: Number(match[3]) } : undefined;
  }
}

function str(value: unknown): string {
  return typeof value === 'string' ? value.slice(0, MAX_TEXT) : '';
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function safeUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}
