'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import type { AgentEnvironment, AgentFileWriter } from '@/lib/agent/environment';
import { trpcTransport } from '@/lib/agent/transport';
import type { Capture } from '@/lib/design/capture-client';
import { actAtViewport, captureAtViewport } from '@/lib/design/capture-preview';
import type { Viewport } from '@/lib/design/protocol';
import { DEFAULT_SETTINGS, type ResolvedSettings } from '@/lib/project-settings';
import { AgentStore, type ChatApi, type TurnHistory } from '@/lib/stores/agent';
import { previewEntryUrl } from '@/lib/stores/preview';
import type { WorkbenchStore } from '@/lib/stores/workbench';
import { useTRPC, useTRPCClient } from '@/lib/trpc/client';

type Client = ReturnType<typeof useTRPCClient>;

/** The shown preview's URL; a host sandbox's preview is private, so a frame enters with a ticket, as the pane's does. */
export async function previewSource(wb: WorkbenchStore, client: Client): Promise<string> {
  const port = wb.preview.port.get();
  const url = port === null ? undefined : wb.preview.servers.get()[port];
  if (port === null || !url) throw new Error('Nothing is shown in the preview.');
  if (wb.sandboxState?.kind.get() !== 'host') return url;
  return previewEntryUrl(url, (await client.sandbox.previewTicket.query({ projectId: wb.projectId, port })).ticket);
}

/**
 * The shown preview captured at a viewport, one path per adapter: a host sandbox's by the server's
 * browser (design.capture, with a ticket for this user), a WebContainer's in this page by the script
 * it carries (lib/design/capture-preview.ts). screenshot_preview and the design loop both use this.
 */
export async function capturePreview(wb: WorkbenchStore, client: Client, viewport: Viewport): Promise<Capture> {
  if (wb.sandboxState?.kind.get() !== 'host') return captureAtViewport(await previewSource(wb, client), viewport);
  const port = wb.preview.port.get();
  const url = port === null ? undefined : wb.preview.servers.get()[port];
  if (port === null || !url) throw new Error('Nothing is shown in the preview.');
  return client.design.capture.mutate({ projectId: wb.projectId, port, path: new URL(url).pathname, viewport });
}

/** The chat router behind the store's ChatApi. */
export function chatApi(client: Client, projectId: string): ChatApi {
  return {
    models: () => client.chat.models.query(),
    latestChat: async () => (await client.chat.list.query({ projectId }))[0]?.id ?? null,
    createChat: async () => (await client.chat.create.mutate({ projectId })).id,
    async messages(chatId) {
      const r = await client.chat.messages.query({ projectId, chatId });
      return { plan: r.chat.plan, messages: r.messages, compactions: r.compactions };
    },
    truncateFrom: async (chatId, messageId) => void (await client.chat.truncateFrom.mutate({ projectId, chatId, messageId })),
    context: async (chatId, model) => (await client.memory.get.query({ projectId, chatId, ...(model ? { model } : {}) })).context,
    compact: async (chatId, model) => void (await client.chat.compact.mutate({ projectId, chatId, ...(model ? { model } : {}) })),
  };
}

/** Checkpoints around each turn and "undo last agent turn" (server/api/routers/history.ts). */
export function turnHistory(client: Client, projectId: string, wb: WorkbenchStore, onRestored: () => void): TurnHistory {
  return {
    checkpoint: async (kind, chatId, message) => void (await client.history.create.mutate({ projectId, kind, chatId, message })),
    settle: async () => {
      await wb.sandboxState?.sync?.settle();
    },
    async undoLastTurn(chatId) {
      const result = await client.history.undoLastTurn.mutate({ projectId, chatId });
      onRestored();
      return { chatId: result.chatId };
    },
  };
}

/**
 * The agent's writes saved like the sandbox's own changes: into the database (versioned, through
 * sandbox.applyChanges) and then into the working copy, marked as known so the sync does not echo
 * them. `onChanged` refreshes what the page shows (tree, open files).
 */
export function databaseFileWriter(client: Client, projectId: string, wb: WorkbenchStore, onChanged: (paths: string[]) => void): AgentFileWriter {
  const state = wb.sandboxState;
  const sandbox = async () => {
    if (!state) throw new Error('No sandbox is connected to this page.');
    return state.sandbox();
  };
  return {
    async write(path, text) {
      const result = await client.sandbox.applyChanges.mutate({ projectId, put: [{ path, content: text, encoding: 'utf8' }], remove: [] });
      const skipped = result.skipped.find((f) => f.path === path);
      if (skipped) throw new Error(`The project refused "${path}": ${skipped.reason}`);
      await sandbox();
      await state!.push(path, text);
      onChanged([path]);
    },
    async remove(path, { recursive }) {
      await client.sandbox.applyChanges.mutate({ projectId, put: [], remove: [path] });
      await (await sandbox()).fs.rm(path, { recursive, force: true });
      onChanged([path]);
    },
    async move(from, to) {
      const box = await sandbox();
      const parent = to.includes('/') ? to.slice(0, to.lastIndexOf('/')) : '';
      if (parent) await box.fs.mkdir(parent, { recursive: true });
      await box.fs.rename(from, to);
      // The watcher reports both sides; wait until the database has them.
      await new Promise((r) => setTimeout(r, 300));
      await state?.sync?.flush();
      onChanged([from, to]);
    },
  };
}

/**
 * Builds the page's agent store from the workbench: the sandbox and preview from its stores, the
 * approval and network policy from the project's settings (read at each tool call), the chat router
 * through the tRPC client. `files` replaces the default writer (databaseFileWriter).
 */
export function useAgentStore(wb: WorkbenchStore, files?: AgentFileWriter): AgentStore | null {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const config = useQuery(trpc.sandbox.config.queryOptions({ projectId: wb.projectId }));
  const settings = useRef<ResolvedSettings>(DEFAULT_SETTINGS);
  const filesRef = useRef(files);
  const [store, setStore] = useState<AgentStore | null>(null);

  useEffect(() => {
    if (config.data) settings.current = config.data.settings;
  }, [config.data]);
  useEffect(() => {
    filesRef.current = files;
  }, [files]);

  useEffect(() => {
    const projectId = wb.projectId;
    const refresh = (paths: string[]) => {
      void queryClient.invalidateQueries({ queryKey: trpc.files.tree.queryKey({ projectId }) });
      for (const path of paths) void queryClient.invalidateQueries({ queryKey: trpc.files.read.queryKey({ projectId, path }) });
    };
    const fallback = databaseFileWriter(client, projectId, wb, refresh);
    const previewSrc = () => previewSource(wb, client);
    const env: AgentEnvironment = {
      sandbox: () => (wb.sandboxState ? wb.sandboxState.sandbox() : Promise.reject(new Error('No sandbox is connected to this page.'))),
      files: {
        write: (p, t) => (filesRef.current ?? fallback).write(p, t),
        remove: (p, o) => (filesRef.current ?? fallback).remove(p, o),
        move: (a, b) => (filesRef.current ?? fallback).move(a, b),
      },
      approval: () => settings.current.approval,
      network: () => settings.current.network,
      preview: () => ({ servers: wb.preview.servers.get(), port: wb.preview.port.get(), problems: wb.preview.problems.get() }),
      capturePreview: (viewport) => capturePreview(wb, client, viewport),
      actInPreview: async (viewport, steps) => actAtViewport(await previewSrc(), viewport, steps),
    };
    // A restore changes files in the database; the tree's refetch brings them to the sandbox and the editor.
    const restored = () => {
      void queryClient.invalidateQueries({ queryKey: trpc.files.pathKey() });
      void queryClient.invalidateQueries({ queryKey: trpc.history.pathKey() });
    };
    const created = new AgentStore({
      projectId,
      env,
      history: turnHistory(client, projectId, wb, restored),
      chat: chatApi(client, projectId),
      transport: trpcTransport(client),
      storage: safeStorage(),
      storageKey: `ide:${projectId}:agent-model`,
    });
    setStore(created);
    void created.init();
    const offOut = created.chat.subscribe((chatId) => wb.showAgentChat(chatId));
    const offIn = wb.agentChat.listen((chatId) => void created.openChat(chatId));
    return () => {
      offOut();
      offIn();
      created.dispose();
      setStore(null);
    };
  }, [wb, client, trpc, queryClient]);

  return store;
}

function safeStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
