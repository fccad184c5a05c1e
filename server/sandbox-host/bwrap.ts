import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import type { SandboxLimits } from '@/server/sandbox-host/config';
import { SANDBOX_HOME, SANDBOX_UID, WORKSPACE } from '@/server/sandbox-host/config';
import { tool } from '@/server/sandbox-host/tools';

// Builds the command lines that put a process into a sandbox. The server runs as root; every sandboxed
// process runs as the project's own unprivileged host uid, inside bubblewrap:
//
//   [nsenter --net=<holder's netns>]  setpriv --reuid U --regid U --clear-groups  prlimit <limits>
//     bwrap --unshare-user/pid/ipc/uts/cgroup [--unshare-net] --die-with-parent --uid 1000 …  -- command
//
// The file system inside: /usr (and the /bin, /lib… links) and a few files of /etc read-only, Node's
// install prefix read-only, the workspace at /workspace and a home at /home/user read-write, a fresh
// /tmp, /proc and /dev. Nothing else of the host: not DATA_DIR, not the app, not other workspaces.

/** The folders of one project's sandbox on the host. */
export interface SandboxDirs {
  base: string;
  workspace: string;
  home: string;
  /** Generated /etc files (passwd, group, hosts). */
  etc: string;
  /** Unix sockets: egress proxies (root-owned) and preview forwarders (owned by the sandbox uid). */
  run: string;
  previews: string;
}

export function sandboxDirs(config: { root: string; runRoot: string }, projectId: string): SandboxDirs {
  const base = path.join(config.root, projectId);
  const run = path.join(config.runRoot, projectId);
  return {
    base,
    workspace: path.join(base, 'workspace'),
    home: path.join(base, 'home'),
    etc: path.join(base, 'etc'),
    run,
    previews: path.join(run, 'p'),
  };
}

/** The longest socket path a sandbox uses (a preview forwarder): must fit a unix socket address (107 bytes). */
export function longestSocketPath(runRoot: string): string {
  return path.join(runRoot, '00000000-0000-0000-0000-000000000000', 'p', 'allowlist-65535.sock');
}
export const MAX_SOCKET_PATH = 107;

// Files of /etc that programs need (certificates for TLS, the dynamic loader's cache, alternatives for
// /usr/bin links, locale and terminal data). Not shadow, not gshadow, not the host's passwd.
const ETC_ENTRIES = [
  'ssl',
  'ca-certificates',
  'ca-certificates.conf',
  'alternatives',
  'ld.so.cache',
  'ld.so.conf',
  'ld.so.conf.d',
  'localtime',
  'nsswitch.conf',
  'host.conf',
  'gai.conf',
  'bash.bashrc',
  'inputrc',
  'terminfo',
  'mime.types',
  'protocols',
  'services',
  'os-release',
  'debian_version',
  'profile',
];

const ROOT_LINKS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

/** The Node.js install prefix, when it is outside /usr (nvm, /opt/node …): bound read-only so `node` runs. */
export function nodePrefix(): string | undefined {
  const prefix = path.dirname(path.dirname(fs.realpathSync(process.execPath)));
  return prefix === '/usr' || prefix.startsWith('/usr/') ? undefined : prefix;
}

/** Host paths every sandbox sees (read-only): /usr, the /bin and /lib… folders, some /etc files, Node's prefix. */
export function visibleHostPaths(): string[] {
  const paths = ['/usr'];
  for (const name of ROOT_LINKS) {
    try {
      if (fs.lstatSync(`/${name}`).isDirectory()) paths.push(`/${name}`);
    } catch {
      /* absent */
    }
  }
  for (const name of ETC_ENTRIES) if (fs.existsSync(`/etc/${name}`)) paths.push(`/etc/${name}`);
  const prefix = nodePrefix();
  if (prefix) paths.push(prefix);
  return paths;
}

let systemArgsCache: string[] | undefined;

function systemArgs(): string[] {
  if (systemArgsCache) return systemArgsCache;
  const args = ['--ro-bind', '/usr', '/usr'];
  for (const name of ROOT_LINKS) {
    const host = `/${name}`;
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(host);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', fs.readlinkSync(host), host);
    else if (stat.isDirectory()) args.push('--ro-bind', host, host);
  }
  for (const name of ETC_ENTRIES) {
    const host = `/etc/${name}`;
    if (fs.existsSync(host)) args.push('--ro-bind', host, host);
  }
  const prefix = nodePrefix();
  if (prefix) args.push('--ro-bind', prefix, prefix);
  systemArgsCache = args;
  return args;
}

export function sandboxPath(): string {
  const prefix = nodePrefix();
  return [...(prefix ? [`${prefix}/bin`] : []), '/usr/local/bin', '/usr/bin', '/bin', '/usr/local/sbin', '/usr/sbin', '/sbin'].join(':');
}

/** The environment every sandboxed process starts from (the server's own variables never pass). */
export function baseEnv(options: { terminal: boolean; npmRegistry: string; proxyPort?: number }): Record<string, string> {
  const env: Record<string, string> = {
    PATH: sandboxPath(),
    HOME: SANDBOX_HOME,
    USER: 'user',
    LOGNAME: 'user',
    SHELL: '/bin/bash',
    LANG: 'C.UTF-8',
    TERM: options.terminal ? 'xterm-256color' : 'dumb',
    npm_config_cache: `${SANDBOX_HOME}/.npm`,
    npm_config_prefer_offline: 'true',
    npm_config_registry: options.npmRegistry,
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  if (options.terminal) env.COLORTERM = 'truecolor';
  if (options.proxyPort) {
    const proxy = `http://127.0.0.1:${options.proxyPort}`;
    Object.assign(env, {
      HTTP_PROXY: proxy,
      HTTPS_PROXY: proxy,
      http_proxy: proxy,
      https_proxy: proxy,
      npm_config_proxy: proxy,
      npm_config_https_proxy: proxy,
      NO_PROXY: 'localhost,127.0.0.1,::1',
      no_proxy: 'localhost,127.0.0.1,::1',
    });
  }
  return env;
}

export interface BwrapOptions {
  dirs: SandboxDirs;
  /** Its own empty network namespace (holders, the fs helper); spawns join their holder's instead. */
  unshareNet: boolean;
  /** Not for PTYs: a new session keeps the process from reaching the server's terminal (TIOCSTI). */
  newSession: boolean;
  cwd: string;
  env: Record<string, string>;
  /** Size of /tmp (a tmpfs, so RAM). */
  tmpBytes: number;
  /** Extra binds: [hostPath, sandboxPath, 'ro' | 'rw']. */
  binds?: [string, string, 'ro' | 'rw'][];
  infoFd?: number;
}

/** /run holds only sockets bound in; /dev/shm POSIX shared memory and semaphores (at most /tmp's size). */
const RUN_BYTES = 4 * 1024 ** 2;
const SHM_BYTES = 64 * 1024 ** 2;

export function bwrapArgs(options: BwrapOptions, command: string[]): string[] {
  const { dirs } = options;
  const args = [
    '--unshare-user',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    ...(options.unshareNet ? ['--unshare-net'] : []),
    '--disable-userns',
    '--die-with-parent',
    ...(options.newSession ? ['--new-session'] : []),
    '--uid', String(SANDBOX_UID),
    '--gid', String(SANDBOX_UID),
    '--hostname', 'sandbox',
    ...systemArgs(),
    '--ro-bind', path.join(dirs.etc, 'passwd'), '/etc/passwd',
    '--ro-bind', path.join(dirs.etc, 'group'), '/etc/group',
    '--ro-bind', path.join(dirs.etc, 'hosts'), '/etc/hosts',
    '--proc', '/proc',
    // Every tmpfs sized (an unsized one may take half of the host's RAM), and the unsized ones bwrap makes
    // itself (/ and /dev, writable by the sandbox's user) read-only: /dev after its shm, / at the end.
    '--dev', '/dev',
    '--size', String(Math.min(SHM_BYTES, options.tmpBytes)), '--tmpfs', '/dev/shm',
    '--remount-ro', '/dev',
    '--size', String(options.tmpBytes), '--tmpfs', '/tmp',
    '--size', String(RUN_BYTES), '--tmpfs', '/run',
    '--bind', dirs.workspace, WORKSPACE,
    '--bind', dirs.home, SANDBOX_HOME,
  ];
  for (const [host, inside, mode] of options.binds ?? []) args.push(mode === 'ro' ? '--ro-bind' : '--bind', host, inside);
  args.push('--remount-ro', '/');
  if (options.infoFd !== undefined) args.push('--info-fd', String(options.infoFd));
  args.push('--chdir', options.cwd, '--clearenv');
  for (const [key, value] of Object.entries(options.env)) args.push('--setenv', key, value);
  args.push('--', ...command);
  return args;
}

/**
 * The CPU priority of everything in a sandbox (the lowest): the IDE server's saves, joins and terminal
 * output get a core first, and students' installs and test runs take what is left.
 */
export const SANDBOX_NICENESS = 19;

/** setpriv + prlimit + nice in front of bwrap: drop to the project's uid, cap the whole tree, lower its priority. */
export function privilegeAndLimitArgs(uid: number, limits: SandboxLimits, overrides: Partial<SandboxLimits> = {}): string[] {
  const l = { ...limits, ...overrides };
  return [
    // The parent-death signal (set after the uid change, which would clear it) ends bwrap when the server
    // dies, even by SIGKILL; bwrap's --die-with-parent then ends the sandbox's pid 1 and with it the rest.
    tool('setpriv'), `--reuid=${uid}`, `--regid=${uid}`, '--clear-groups', '--pdeathsig=SIGKILL', '--',
    tool('prlimit'),
    // SIGXCPU at the soft limit (a clear reason); SIGKILL at the hard one for a process that catches it.
    `--cpu=${l.cpuSeconds}:${l.cpuSeconds + 5}`,
    `--data=${l.memoryBytes}`,
    `--nproc=${l.processes}`,
    `--fsize=${l.fileSizeBytes}`,
    '--core=0',
    // No raising the priority back (renice, setpriority): RLIMIT_NICE 0, whatever the server was started with.
    '--nice=0',
    '--',
    tool('nice'), '-n', String(SANDBOX_NICENESS), '--',
  ];
}

/** Writes the sandbox's /etc/passwd, group and hosts (a user "user" with uid 1000, home /home/user). */
export function writeEtc(dirs: SandboxDirs): void {
  fs.mkdirSync(dirs.etc, { recursive: true });
  const files: Record<string, string> = {
    passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\nuser:x:${SANDBOX_UID}:${SANDBOX_UID}:user:${SANDBOX_HOME}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
    group: `root:x:0:\nuser:x:${SANDBOX_UID}:\nnogroup:x:65534:\n`,
    hosts: '127.0.0.1 localhost sandbox\n::1 localhost ip6-localhost ip6-loopback\n',
  };
  for (const [name, text] of Object.entries(files)) {
    const file = path.join(dirs.etc, name);
    if (!fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text) fs.writeFileSync(file, text, { mode: 0o644 });
  }
}

/** Makes a project's folders (and the ones above them passable) with their owners and modes. */
export function prepareSandboxDirs(config: { root: string; runRoot: string }, d: SandboxDirs, uid: number): void {
  // bwrap runs as the project's uid, so it must pass through these (traverse, not list). Bits are only
  // added to the folders above ours; placement.ts checked the rest of the way at start.
  for (const [dir, own] of [
    [path.dirname(config.root), false],
    [config.root, true],
    [path.dirname(config.runRoot), false],
    [config.runRoot, true],
  ] as const) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o711 });
    fs.chmodSync(dir, own ? 0o711 : fs.statSync(dir).mode | 0o011);
  }
  for (const [dir, owned, mode] of [
    [d.base, false, 0o711],
    [d.workspace, true, 0o755],
    [d.home, true, 0o700],
    [d.run, false, 0o711],
    [d.previews, true, 0o700],
  ] as const) {
    fs.mkdirSync(dir, { recursive: true });
    fs.chmodSync(dir, mode);
    if (owned) fs.chownSync(dir, uid, uid);
  }
  // What a seeding cut short by a crash left in the base folder (linked-copy.ts placeInto).
  for (const name of fs.readdirSync(d.base)) if (name.startsWith('.seed-')) fs.rmSync(path.join(d.base, name), { recursive: true, force: true });
  writeEtc(d);
}
