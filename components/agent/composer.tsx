'use client';

import { useStore } from '@nanostores/react';
import { useRef, useState, type ClipboardEvent } from 'react';
import { Button } from '@/components/ui/button';
import { CloseIcon, PlusIcon, RefreshIcon } from '@/components/ui/icons';
import { useAttachments } from '@/components/agent/attachments';
import type { AgentStore } from '@/lib/stores/agent';
import { ATTACHABLE_TYPES } from '@/lib/stores/attachments';

/** The message box: Enter sends, Shift+Enter breaks the line, Escape stops; images by button, paste or drop (attachments.tsx). */
export function Composer({ store, readOnly }: { store: AgentStore; readOnly: boolean }) {
  const [text, setText] = useState('');
  const attachments = useAttachments();
  const images = useStore(attachments.images);
  const imageError = useStore(attachments.error);
  const fileInput = useRef<HTMLInputElement>(null);
  const status = useStore(store.status);
  const info = useStore(store.modelInfo);
  const items = useStore(store.items);
  const banner = useStore(store.banner);
  const running = status === 'running' || status === 'stopping';
  const disabled = readOnly || info?.configured === false || status === 'loading';
  // After an error the banner offers Retry; otherwise Retry answers the last message again.
  const canRetry = !running && !banner?.retryable && items.some((i) => i.kind === 'assistant' && i.id);

  const send = () => {
    if ((!text.trim() && images.length === 0) || running || disabled) return;
    void store.send(text, attachments.take());
    setText('');
  };

  const onPaste = (e: ClipboardEvent) => {
    const files = [...e.clipboardData.files].filter((f) => f.type.startsWith('image/'));
    if (files.length === 0) return;
    e.preventDefault();
    void attachments.add(files);
  };

  return (
    <form
      className="shrink-0 border-t border-zinc-200 p-2 dark:border-zinc-800"
      onSubmit={(e) => {
        e.preventDefault();
        send();
      }}
    >
      {images.length > 0 && (
        <ul aria-label="Attached images" className="mb-1.5 flex flex-wrap gap-1.5">
          {images.map((url, i) => (
            <li key={i} className="relative">
              {/* eslint-disable-next-line @next/next/no-img-element -- a local data URL the user attached */}
              <img src={url} alt={`Attached image ${i + 1}`} className="size-12 rounded border border-zinc-300 object-cover dark:border-zinc-700" />
              <button
                type="button"
                aria-label={`Remove image ${i + 1}`}
                onClick={() => attachments.remove(i)}
                className="absolute -top-1.5 -right-1.5 rounded-full bg-zinc-700 p-0.5 text-white focus-visible:outline-2 focus-visible:outline-indigo-500"
              >
                <CloseIcon size={10} />
              </button>
            </li>
          ))}
        </ul>
      )}
      {imageError && (
        <p role="alert" className="mb-1 text-[11px] text-red-700 dark:text-red-400">
          {imageError}
        </p>
      )}
      <label htmlFor="agent-input" className="sr-only">
        Message the agent
      </label>
      <textarea
        id="agent-input"
        data-testid="agent-input"
        value={text}
        disabled={disabled}
        onChange={(e) => setText(e.target.value)}
        onPaste={onPaste}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
            e.preventDefault();
            send();
          } else if (e.key === 'Escape' && running) {
            e.preventDefault();
            store.stop();
          }
        }}
        rows={3}
        placeholder={readOnly ? 'Viewers cannot run the agent.' : 'Ask the agent… (Enter to send, Shift+Enter for a new line, Esc to stop)'}
        className="w-full resize-none rounded-md border border-zinc-300 bg-white p-2 text-[13px] placeholder:text-zinc-400 focus-visible:outline-2 focus-visible:outline-indigo-500 disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-950"
      />
      <div className="mt-1.5 flex items-center justify-end gap-2">
        <input
          ref={fileInput}
          type="file"
          accept={ATTACHABLE_TYPES.join(',')}
          multiple
          hidden
          onChange={(e) => {
            void attachments.add([...(e.target.files ?? [])]);
            e.target.value = '';
          }}
        />
        <Button className="!px-1.5 !py-1 text-xs" aria-label="Attach images" title="Attach images (or paste or drop them)" disabled={disabled || running} onClick={() => fileInput.current?.click()}>
          <PlusIcon size={12} />
        </Button>
        <Usage store={store} />
        {canRetry && (
          <Button className="!px-2 !py-1 text-xs" data-testid="agent-regenerate" onClick={() => void store.retry()} title="Answer the last message again">
            <RefreshIcon size={12} /> Retry
          </Button>
        )}
        {running ? (
          <Button variant="primary" className="!bg-red-600 !px-3 !py-1 text-xs hover:!bg-red-500" data-testid="agent-stop" disabled={status === 'stopping'} onClick={() => store.stop()}>
            {status === 'stopping' ? 'Stopping…' : 'Stop'}
          </Button>
        ) : (
          <Button type="submit" variant="primary" className="!px-3 !py-1 text-xs" data-testid="agent-send" disabled={disabled || (!text.trim() && images.length === 0)}>
            Send
          </Button>
        )}
      </div>
    </form>
  );
}

function Usage({ store }: { store: AgentStore }) {
  const usage = useStore(store.usage);
  const total = usage.promptTokens + usage.completionTokens;
  if (total === 0) return <span className="mr-auto" />;
  return (
    <span
      data-testid="agent-usage"
      className="mr-auto truncate text-[11px] text-zinc-500"
      title={`This chat: ${usage.promptTokens.toLocaleString('en')} prompt + ${usage.completionTokens.toLocaleString('en')} completion tokens`}
    >
      {formatTokens(total)} tokens
    </span>
  );
}

function formatTokens(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(n >= 100_000 ? 0 : 1)}k` : n.toLocaleString('en');
}
