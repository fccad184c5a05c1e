import 'server-only';
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { NetworkPolicy } from '@/lib/sandbox/types';

// Limits and places for host sandboxes. One manager (server/sandbox-host/manager.ts) holds one config;
// tests build their own with a temporary data folder and tight limits.

export interface SandboxLimits {
  /** RLIMIT_CPU per process: SIGXCPU at this many CPU seconds. */
  cpuSeconds: number;
  /** RLIMIT_DATA per process (heap and private writable mappings; address-space reservations are free). */
  memoryBytes: number;
  /** RLIMIT_NPROC for the sandbox's own host uid: every process and thread of the workspace counts. */
  processes: number;
  /** RLIMIT_FSIZE: the largest file a process may write. */
  fileSizeBytes: number;
  /** Wall clock for non-interactive commands without their own timeoutMs. */
  timeoutMs: number;
  /** Output a non-terminal command may produce before it is ended with reason 'output'. */
  outputBytes: number;
  /** Size of the sandbox's /tmp (a tmpfs: RAM), per sandboxed process tree. */
  tmpBytes: number;
  /** Workspace plus home on disk; over it, every process of the sandbox is ended with reason 'disk'. */
  diskBytes: number;
}

export interface SandboxHostConfig {
  /** <SANDBOX_DIR>/sandboxes: one folder per project (workspace, home, generated /etc files). */
  root: string;
  /** <SANDBOX_DIR>/npm-cache: the shared, pre-warmed npm cache (read-only to sandboxes). */
  npmCache: string;
  /** <SANDBOX_DIR>/deps-cache: installed node_modules per template manifest (deps-cache.ts; read-only to sandboxes). */
  depsCache: string;
  /** <SANDBOX_DIR>/helpers: copies of the in-sandbox helpers (root-owned, world-readable). */
  helpers: string;
  /** Unix sockets, one folder per project: short paths (a socket path may have at most 107 bytes). */
  runRoot: string;
  limits: SandboxLimits;
  /** Hosts reachable under the 'allowlist' policy. */
  allowlist: string[];
  npmRegistry: string;
  /** host:port → address:port overrides for the egress proxy's resolver (tests map names onto loopback servers). */
  hostOverrides?: Record<string, string>;
  /** The project's current network setting; egress proxies ask it for every connection (a downgrade applies at once). */
  networkCeiling?: (projectId: string) => Promise<NetworkPolicy>;
  /** A workspace with no connected socket is torn down after this long. */
  idleMs: number;
  /** Host uids are taken from [uidBase, uidBase + uidRange). */
  uidBase: number;
  uidRange: number;
  /** Host sandboxes one user may have running at once (the user who started each). */
  livePerUser: number;
  /** How often a sandbox with running processes measures its disk use. */
  diskCheckMs: number;
}

export const DEFAULT_LIMITS: SandboxLimits = {
  cpuSeconds: 900,
  memoryBytes: 3 * 1024 ** 3,
  processes: 512,
  fileSizeBytes: 512 * 1024 ** 2,
  timeoutMs: 15 * 60_000,
  outputBytes: 256 * 1024 ** 2,
  tmpBytes: 256 * 1024 ** 2,
  diskBytes: 2 * 1024 ** 3,
};

/**
 * Places under the sandbox folder (SANDBOX_DIR, apart from DATA_DIR: sandbox uids must pass through
 * every folder above a workspace, and DATA_DIR stays owner-only). Sockets go to /run/cloud-ide/<hash
 * of that folder>, so their paths stay short wherever the folder lies, and two servers never share one.
 */
export function defaultConfig(sandboxDir: string, overrides: Partial<SandboxHostConfig> = {}): SandboxHostConfig {
  const base = path.resolve(sandboxDir);
  return {
    root: path.join(base, 'sandboxes'),
    npmCache: path.join(base, 'npm-cache'),
    depsCache: path.join(base, 'deps-cache'),
    helpers: path.join(base, 'helpers'),
    runRoot: path.join('/run/cloud-ide', createHash('sha256').update(base).digest('hex').slice(0, 12)),
    limits: DEFAULT_LIMITS,
    allowlist: ['registry.npmjs.org'],
    npmRegistry: 'https://registry.npmjs.org/',
    idleMs: 15 * 60_000,
    uidBase: 200_000,
    uidRange: 100_000,
    livePerUser: 3,
    diskCheckMs: 10_000,
    ...overrides,
  };
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function assertProjectId(projectId: string): void {
  if (!uuidPattern.test(projectId)) throw new Error(`not a project id: ${projectId}`);
}

/**
 * The host uid a project's processes run as. Its own uid gives the workspace its own RLIMIT_NPROC
 * budget (root ignores that limit, so running as root would make the process cap void) and keeps
 * its files apart from the server's. Derived from the id so it is stable across restarts; two
 * projects that collide share a process budget, nothing else (their mounts stay separate).
 */
export function uidFor(projectId: string, config: Pick<SandboxHostConfig, 'uidBase' | 'uidRange'>): number {
  const digest = createHash('sha256').update(projectId).digest();
  return config.uidBase + (digest.readUInt32BE(0) % config.uidRange);
}

/** The uid and gid processes see inside the sandbox (named "user" in its /etc/passwd). */
export const SANDBOX_UID = 1000;
export const SANDBOX_HOME = '/home/user';
export const WORKSPACE = '/workspace';
