'use client';

import { useStore } from '@nanostores/react';
import { useQuery } from '@tanstack/react-query';
import { atom } from 'nanostores';
import { useEffect, useRef, useState, type ComponentProps, type Ref } from 'react';
import { IconButton } from '@/components/ui/icon-button';
import { CloseIcon, ExternalIcon, MonitorIcon, PhoneIcon, RefreshIcon, TabletIcon } from '@/components/ui/icons';
import { useWorkbench } from '@/components/workbench/context';
import { DEVICE_WIDTHS, previewEntryUrl, type Device } from '@/lib/stores/preview';
import { useTRPC } from '@/lib/trpc/client';

const noKind = atom(null);
/** Tickets live 60 s (server/auth/preview-ticket.ts): a fresh one is always at hand. */
const TICKET_REFRESH_MS = 30_000;

const devices: { id: Device; label: string; Icon: typeof MonitorIcon }[] = [
  { id: 'desktop', label: 'Desktop width', Icon: MonitorIcon },
  { id: 'tablet', label: `Tablet width (${DEVICE_WIDTHS.tablet}px)`, Icon: TabletIcon },
  { id: 'mobile', label: `Mobile width (${DEVICE_WIDTHS.mobile}px)`, Icon: PhoneIcon },
];

/** The running app, on its own origin, with a URL bar, reload, port switcher and device widths. */
export function PreviewPanel() {
  const wb = useWorkbench();
  const url = useStore(wb.preview.url);
  const frameUrl = useStore(wb.preview.frameUrl);
  const origin = useStore(wb.preview.origin);
  const servers = useStore(wb.preview.servers);
  const port = useStore(wb.preview.port);
  const path = useStore(wb.preview.path);
  const device = useStore(wb.preview.device);
  const reloads = useStore(wb.preview.reloads);
  const stage = useStore(wb.stages)['dev-server'];
  const kind = useStore(wb.sandboxState?.kind ?? noKind);
  const trpc = useTRPC();
  // A host sandbox's preview is private: the frame enters with a ticket (WebContainer previews need none).
  const needsTicket = kind === 'host' && port !== null;
  const ticket = useQuery({
    ...trpc.sandbox.previewTicket.queryOptions({ projectId: wb.projectId, port: port ?? 1 }),
    enabled: needsTicket,
    refetchInterval: TICKET_REFRESH_MS,
    refetchIntervalInBackground: true,
    staleTime: TICKET_REFRESH_MS,
  }).data?.ticket;
  const withTicket = (target: string | null) => (target && needsTicket ? (ticket ? previewEntryUrl(target, ticket) : null) : target);
  const frame = useRef<HTMLIFrameElement>(null);
  // What the user is typing in the URL bar; null shows where the page is.
  const [draft, setDraft] = useState<string | null>(null);
  const [addressError, setAddressError] = useState<string | null>(null);
  const address = draft ?? path;

  useEffect(() => {
    const onMessage = (e: MessageEvent) => {
      // Only the preview frame, from the preview's origin: other frames and windows are ignored.
      if (!frame.current || e.source !== frame.current.contentWindow || e.origin !== origin) return;
      wb.preview.receive(e.data);
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [wb, origin]);

  const ports = Object.keys(servers).map(Number);
  const width = DEVICE_WIDTHS[device];

  return (
    <section aria-label="Preview" data-testid="preview-panel" className="flex h-full min-w-0 flex-col bg-zinc-100 dark:bg-zinc-900">
      <div className="flex h-9 shrink-0 items-center gap-1 border-b border-zinc-200 bg-white px-1.5 dark:border-zinc-800 dark:bg-zinc-950">
        <IconButton label="Reload preview" disabled={!url} onClick={() => wb.preview.reload()}>
          <RefreshIcon />
        </IconButton>
        <form
          className="min-w-0 flex-1"
          onSubmit={(e) => {
            e.preventDefault();
            try {
              wb.preview.navigate(address);
              setAddressError(null);
              setDraft(null);
            } catch (error) {
              setAddressError(error instanceof Error ? error.message : String(error));
            }
          }}
        >
          <input
            aria-label="Preview address"
            aria-invalid={addressError ? true : undefined}
            title={addressError ?? url ?? undefined}
            disabled={!url}
            value={url ? address : ''}
            placeholder={url ? '/' : 'No server running'}
            spellCheck={false}
            onChange={(e) => setDraft(e.target.value)}
            onBlur={() => {
              if (!addressError) setDraft(null);
            }}
            onKeyDown={(e) => {
              if (e.key !== 'Escape') return;
              setDraft(null);
              setAddressError(null);
            }}
            className="h-6 w-full rounded border border-zinc-300 bg-zinc-50 px-2 font-mono text-xs outline-none focus:border-indigo-500 disabled:opacity-60 aria-invalid:border-red-500 dark:border-zinc-700 dark:bg-zinc-900"
          />
        </form>
        {ports.length > 0 && (
          <select
            aria-label="Server port"
            value={port ?? ''}
            onChange={(e) => wb.preview.selectPort(Number(e.target.value))}
            className="h-6 rounded border border-zinc-300 bg-white px-1 text-xs dark:border-zinc-700 dark:bg-zinc-900"
          >
            {ports.map((p) => (
              <option key={p} value={p}>
                :{p}
              </option>
            ))}
          </select>
        )}
        <div role="group" aria-label="Device width" className="flex">
          {devices.map(({ id, label, Icon }) => (
            <IconButton key={id} label={label} pressed={device === id} onClick={() => wb.preview.setDevice(id)}>
              <Icon />
            </IconButton>
          ))}
        </div>
        <a
          href={withTicket(url) ?? undefined}
          aria-disabled={!url}
          target="_blank"
          rel="noopener noreferrer"
          aria-label="Open preview in a new tab"
          title="Open preview in a new tab"
          className="inline-flex size-7 items-center justify-center rounded text-zinc-600 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-indigo-500 aria-disabled:pointer-events-none aria-disabled:opacity-40 dark:text-zinc-400 dark:hover:bg-zinc-800"
        >
          <ExternalIcon />
        </a>
        <IconButton label="Hide preview" onClick={() => wb.togglePanel('preview', false)}>
          <CloseIcon />
        </IconButton>
      </div>
      <div className="flex min-h-0 flex-1 justify-center overflow-auto">
        {url && withTicket(frameUrl) ? (
          <PreviewFrame
            key={`${reloads}:${origin}`}
            frameRef={frame}
            src={withTicket(frameUrl)!}
            data-testid="preview-frame"
            title="Preview of the running app"
            sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-modals allow-downloads"
            style={width ? { width } : undefined}
            className={`h-full border-0 bg-[Canvas] ${width ? 'shrink-0 border-x border-zinc-300 shadow-sm dark:border-zinc-700' : 'w-full'}`}
          />
        ) : url ? (
          <div className="flex items-center justify-center p-6 text-sm text-zinc-500" aria-live="polite">
            Opening the preview…
          </div>
        ) : (
          <div className="flex flex-col items-center justify-center gap-1 p-6 text-center text-sm text-zinc-500" aria-live="polite">
            {stage.status === 'failed' ? (
              <p>The dev server did not start: {stage.error}</p>
            ) : stage.status === 'skipped' ? (
              <p>Nothing to preview ({stage.detail}). Start a server from the terminal and it shows up here.</p>
            ) : (
              <p>Waiting for the dev server…</p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}

/**
 * The frame keeps the address it was first given: a ticket refreshed in the background must not reload
 * it. Navigation, reload and port switches mount a new one (the parent's key), with a fresh ticket.
 */
function PreviewFrame({ src, frameRef, ...props }: Omit<ComponentProps<'iframe'>, 'ref'> & { src: string; frameRef: Ref<HTMLIFrameElement> }) {
  const [initial] = useState(src);
  return <iframe ref={frameRef} src={initial} {...props} />;
}
