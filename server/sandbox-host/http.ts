import 'server-only';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Db } from '@/db/client';
import { sandboxProject } from '@/server/access';
import { resolveSettings } from '@/lib/project-settings';
import { SANDBOX_WS_PATH } from '@/lib/sandbox/host-client/protocol';
import { defaultConfig, type SandboxHostConfig } from '@/server/sandbox-host/config';
import { SandboxManager } from '@/server/sandbox-host/manager';
import { createPreviewProxy, previewUrlFor } from '@/server/sandbox-host/preview-proxy';
import { createSandboxSocketHandler } from '@/server/sandbox-host/ws-endpoint';

// What the custom server (server/main.ts) mounts in front of Next: the sandbox WebSocket and the preview
// proxy. Factored out so tests start the same pieces on a plain http.Server without Next.

export interface SandboxHostOptions {
  getDb: () => Promise<Db>;
  /** SANDBOX_DIR: workspaces, the npm cache, helper copies (the socket folder is derived from it). */
  sandboxDir: string;
  previewDomain: string;
  /** The IDE's origin: previews answer capture requests from it (unset: no capture script). */
  ideOrigin?: string;
  config?: Partial<SandboxHostConfig>;
}

export interface SandboxHost {
  manager: SandboxManager;
  /** True when the request was a preview request and has been answered. */
  handleRequest(req: IncomingMessage, res: ServerResponse): boolean;
  /** True when the upgrade was ours (a preview's WebSocket or the sandbox socket). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  close(): Promise<void>;
}

export function createSandboxHost(options: SandboxHostOptions): SandboxHost {
  // Egress proxies ask the database for the project's setting on every connection; a project gone (or a
  // share link revoked, for a holder's own sandbox) means no network.
  const networkCeiling = async (sandboxId: string) => {
    const found = await sandboxProject(await options.getDb(), sandboxId);
    return found ? resolveSettings(found.settings).network : 'off';
  };
  const manager = new SandboxManager(defaultConfig(options.sandboxDir, { networkCeiling, ...options.config }));
  const preview = createPreviewProxy({ manager, domain: options.previewDomain, getDb: options.getDb, ideOrigin: options.ideOrigin });
  const sockets = createSandboxSocketHandler({
    manager,
    getDb: options.getDb,
    previewUrl: (req, projectId, port) =>
      previewUrlFor({
        domain: options.previewDomain,
        port,
        projectId,
        host: req.headers.host,
        secure: req.headers['x-forwarded-proto'] === 'https',
      }),
  });
  return {
    manager,
    handleRequest: preview.handleRequest,
    handleUpgrade(req, socket, head) {
      if (preview.handleUpgrade(req, socket, head)) return true;
      if (new URL(req.url ?? '/', 'http://localhost').pathname !== SANDBOX_WS_PATH) return false;
      sockets.handleUpgrade(req, socket, head);
      return true;
    },
    async close() {
      sockets.close();
      await manager.dispose();
    },
  };
}
