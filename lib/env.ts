import path from 'node:path';
import { z } from 'zod';

// The one reader of process.env. Server-side only: the lint rule keeps components/ from importing it,
// and the throw below stops a browser bundle that pulls it in by accident.
if (typeof window !== 'undefined') {
  throw new Error('lib/env.ts is server-only and must not be bundled for the browser');
}

const emptyAsUndefined = (value: unknown) => (value === '' ? undefined : value);
const optionalString = z.preprocess(emptyAsUndefined, z.string().optional());
const booleanFlag = z.preprocess(
  emptyAsUndefined,
  z.enum(['0', '1', 'true', 'false']).optional().transform((v) => v === '1' || v === 'true'),
);

const schema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(65535).default(3000)),
  HOSTNAME: z.preprocess(emptyAsUndefined, z.string().default('localhost')),
  /** Where PGlite and the session secret live (made owner-only). */
  DATA_DIR: z.preprocess(emptyAsUndefined, z.string().default('.data')),
  /** Host sandboxes' workspaces, npm cache and helpers: apart from DATA_DIR, since sandbox uids must pass through it. */
  SANDBOX_DIR: z.preprocess(emptyAsUndefined, z.string().default('/var/lib/cloud-ide')),
  /** Size of each host sandbox's /tmp (RAM). */
  SANDBOX_TMP_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(64 * 1024).default(256)),
  /** Disk a host sandbox's workspace and home may take (node_modules included) before its processes are stopped. */
  SANDBOX_DISK_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1024 * 1024).default(2048)),
  /** Host sandboxes one user may have running at once. */
  SANDBOX_LIVE_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(1000).default(3)),
  /** Projects one user may own. */
  PROJECTS_PER_USER: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(100_000).default(50)),
  /** Unset → embedded PGlite under DATA_DIR/pglite. */
  DATABASE_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^postgres(ql)?$/ }).optional()),
  /** Signs the identity cookie. Unset → generated once into DATA_DIR/session-secret. */
  SESSION_SECRET: z.preprocess(emptyAsUndefined, z.string().min(32).optional()),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: z.preprocess(emptyAsUndefined, z.url().optional()),
  /** Comma-separated model ids offered in the picker; the first is the default. */
  OPENAI_MODELS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('gpt-4.1-mini')
      .transform((s) => s.split(',').map((m) => m.trim()).filter(Boolean)),
  ),
  /** The agent's model API: Chat Completions (default, widest support) or the Responses API. */
  OPENAI_API: z.preprocess(emptyAsUndefined, z.enum(['chat', 'responses']).default('chat')),
  /** Context windows per model id, overriding server/memory/windows.ts: "id=tokens,…" (a trailing * matches a prefix). */
  MODEL_CONTEXT_WINDOWS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('')
      .transform((s) => s.split(',').map((e) => e.trim()).filter(Boolean))
      .pipe(
        z.array(
          z
            .string()
            .regex(/^[\w.:/-]+\*?=\d+$/, 'expected id=tokens')
            .transform((e) => {
              const at = e.lastIndexOf('=');
              return [e.slice(0, at), Number(e.slice(at + 1))] as const;
            })
            .refine(([, n]) => n >= 1024 && n <= 10_000_000, 'tokens must be between 1024 and 10000000'),
        ),
      )
      .transform((entries) => Object.fromEntries(entries) as Record<string, number>),
  ),
  /** Compact the agent's conversation when the next prompt would pass this share of the model's window. */
  COMPACT_THRESHOLD: z.preprocess(emptyAsUndefined, z.coerce.number().min(0.2).max(0.95).default(0.8)),
  /** Which sandboxes the server allows: the browser's WebContainer, the host (bubblewrap) one, or both. */
  SANDBOX_ADAPTERS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('webcontainer,host')
      .transform((s) => s.split(',').map((m) => m.trim()))
      .pipe(z.array(z.enum(['webcontainer', 'host'])).min(1)),
  ),
  /** Forces the host sandbox in every page (tests, air-gapped classrooms). */
  SANDBOX_FORCE_HOST: booleanFlag,
  /** Hosts a host sandbox may reach under the 'allowlist' network policy (comma-separated; `*.example.com` allowed). */
  SANDBOX_ALLOWLIST: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('registry.npmjs.org')
      .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean)),
  ),
  /** The npm registry sandboxes use (npm_config_registry inside); its host should be on the allowlist. */
  SANDBOX_NPM_REGISTRY: z.preprocess(emptyAsUndefined, z.url().default('https://registry.npmjs.org/')),
  /** Previews are served on http://<port>-<projectId>.<PREVIEW_DOMAIN>:<PORT>/ (an origin apart from the IDE's). */
  PREVIEW_DOMAIN: z.preprocess(emptyAsUndefined, z.string().regex(/^[a-z0-9.-]+$/).default('preview.localhost')),
  /** The IDE's public address (e.g. behind a reverse proxy): its host is allowed and its origin trusted. */
  PUBLIC_URL: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).optional()),
  /** More host names the IDE answers to (comma-separated); localhost, 127.0.0.1 and [::1] always are. */
  ALLOWED_HOSTS: z.preprocess(
    emptyAsUndefined,
    z
      .string()
      .default('')
      .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)$/, 'a host name without port or scheme'))),
  ),
  /** Largest tRPC request body in MiB (a chat message with images, a file save, a sync batch); other calls get 1 MiB. */
  MAX_BODY_MB: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(512).default(60)),
  /** The design loop stops when a round scores at least this (0–100)… */
  DESIGN_TARGET_SCORE: z.preprocess(emptyAsUndefined, z.coerce.number().min(1).max(100).default(90)),
  /** …or after this many rounds (each: build, capture, score, feed back). */
  DESIGN_MAX_ROUNDS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1).max(20).default(5)),
  /** Chat images are scaled down to this longest side (pixels) before they are stored and sent to the model. */
  CHAT_IMAGE_MAX_SIDE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(256).max(4096).default(1568)),
  /** The Chromium the server captures host-sandbox previews with (server/design/server-capture.ts). */
  CAPTURE_CHROMIUM_PATH: z.preprocess(emptyAsUndefined, z.string().startsWith('/').default('/usr/bin/chromium')),
  /** The origin users open the IDE at; previews answer capture requests from it only. Unset → http://localhost:PORT. */
  IDE_ORIGIN: z.preprocess(emptyAsUndefined, z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin).optional()),
  /** Minutes a host sandbox with no connected socket keeps its processes before they are ended. */
  /** How often unreferenced blobs are collected (db/queries/blob-gc.ts); 0: never. */
  BLOB_GC_INTERVAL_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(7 * 24 * 60).default(60)),
  /** A blob stored more recently than this is never collected: a write may be about to point at it. */
  BLOB_GC_GRACE_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(5).max(7 * 24 * 60).default(60)),
  SANDBOX_IDLE_MINUTES: z.preprocess(emptyAsUndefined, z.coerce.number().min(1).max(24 * 60).default(15)),
  /** How long the page waits for a WebContainer to boot before it falls back to the host sandbox. */
  SANDBOX_WEBCONTAINER_TIMEOUT_MS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(1000).max(120_000).default(12_000)),
  /** Model tokens (prompt + completion) one identity may use per UTC day; 0 = no limit. */
  MODEL_DAILY_TOKENS: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).default(2_000_000)),
  /** Agent turns (model calls) one identity may start per minute; 0 = no limit. */
  AGENT_TURNS_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(10_000).default(30)),
  /** Agent turns all students of one workshop may start per minute together; 0 = no limit. */
  WORKSHOP_TURNS_PER_MINUTE: z.preprocess(emptyAsUndefined, z.coerce.number().int().min(0).max(100_000).default(300)),
});

export type Env = z.infer<typeof schema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = schema.safeParse(source);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment variables:\n${problems}\nSee the configuration table in README.md.`);
  }
  return result.data;
}

export const env = parseEnv(process.env);

export const dataDir = path.resolve(env.DATA_DIR);
export const sandboxDir = path.resolve(env.SANDBOX_DIR);

export const ideOrigin = env.IDE_ORIGIN ?? `http://localhost:${env.PORT}`;
