import { z } from 'zod';

// The host sandbox's WebSocket protocol (/api/sandbox/ws?projectId=…), JSON text frames both ways.
// Requests carry an id and get exactly one `response` with the same id. Everything else the server
// sends is an event: process output and exit, watch batches, dev servers opening and closing.
// File contents travel base64-encoded so binary files survive.

export const SANDBOX_WS_PATH = '/api/sandbox/ws';

/** Close codes the server uses when it refuses a socket (the reason says why in words). */
export const CLOSE_CODES = { unauthorized: 4401, forbidden: 4403, notFound: 4404, badRequest: 4400, unavailable: 4503, shutdown: 4000 } as const;

export const MAX_PATH = 1024;
/**
 * One message's cap from the browser (the server closes the socket with 1009 past it): a file of up to
 * 2 MiB is about 2.7 MiB of base64. A project is mounted in batches of MOUNT_BATCH_BYTES.
 */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;
export const MOUNT_BATCH_BYTES = 3 * 1024 * 1024;

const path = z.string().max(MAX_PATH);
const size = z.object({ cols: z.number().int().min(1).max(1000), rows: z.number().int().min(1).max(1000) });

export const requestSchema = z.discriminatedUnion('op', [
  z.object({ id: z.number().int(), op: z.literal('readFile'), path }),
  z.object({ id: z.number().int(), op: z.literal('writeFile'), path, data: z.string() }),
  z.object({ id: z.number().int(), op: z.literal('mkdir'), path, recursive: z.boolean().optional() }),
  z.object({ id: z.number().int(), op: z.literal('readdir'), path }),
  z.object({ id: z.number().int(), op: z.literal('rm'), path, recursive: z.boolean().optional(), force: z.boolean().optional() }),
  z.object({ id: z.number().int(), op: z.literal('rename'), from: path, to: path }),
  z.object({ id: z.number().int(), op: z.literal('watch'), path }),
  z.object({ id: z.number().int(), op: z.literal('unwatch'), watchId: z.string().max(64) }),
  z.object({ id: z.number().int(), op: z.literal('mount'), tree: z.record(path, z.string()) }),
  z.object({ id: z.number().int(), op: z.literal('exportTree') }),
  z.object({
    id: z.number().int(),
    op: z.literal('spawn'),
    command: z.string().min(1).max(4096),
    args: z.array(z.string().max(65536)).max(1000).default([]),
    cwd: path.optional(),
    env: z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).max(256), z.string().max(65536)).optional(),
    terminal: size.optional(),
    network: z.enum(['off', 'allowlist', 'full']).optional(),
    timeoutMs: z.number().int().min(1).max(24 * 3600 * 1000).optional(),
  }),
  z.object({ id: z.number().int(), op: z.literal('stdin'), pid: z.string().max(64), data: z.string().max(1024 * 1024) }),
  z.object({ id: z.number().int(), op: z.literal('resize'), pid: z.string().max(64), size }),
  z.object({ id: z.number().int(), op: z.literal('kill'), pid: z.string().max(64) }),
]);

export type SandboxRequest = z.infer<typeof requestSchema>;
export type SandboxRequestInput = z.input<typeof requestSchema>;

export interface ResponseError {
  /** AppError-style code, e.g. 'not_found:file', 'forbidden:project', 'bad_request:sandbox'. */
  code: string;
  message: string;
}

export type FsEventWire =
  | { type: 'change' | 'add'; path: string }
  | { type: 'unlink' | 'addDir' | 'unlinkDir'; path: string };

export type ServerMessage =
  | { type: 'hello'; projectId: string; role: 'owner' | 'editor' | 'viewer'; ports: { port: number; url: string }[] }
  | { type: 'response'; id: number; ok: true; result?: unknown }
  | { type: 'response'; id: number; ok: false; error: ResponseError }
  | { type: 'output'; pid: string; data: string }
  | { type: 'exit'; pid: string; code: number; reason?: string; message?: string }
  | { type: 'fs'; watchId: string; events: FsEventWire[] }
  | { type: 'server-ready'; port: number; url: string }
  | { type: 'port-closed'; port: number };

/** What each request answers with (result field). */
export interface ResponseResults {
  readFile: { data: string };
  writeFile: null;
  mkdir: null;
  readdir: { entries: { name: string; kind: 'file' | 'directory' }[] };
  rm: null;
  rename: null;
  watch: { watchId: string };
  unwatch: null;
  mount: null;
  exportTree: { tree: Record<string, string> };
  spawn: { pid: string };
  stdin: null;
  resize: null;
  kill: null;
}

// base64 that works in browsers and Node without Buffer.
export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) binary += String.fromCharCode(...bytes.subarray(i, i + step));
  return btoa(binary);
}

export function base64ToBytes(text: string): Uint8Array {
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}
