// Dangerous commands: they always wait for a click, even on "auto", and are refused in read-only.
// Judged on the parsed script: every program it runs (through pipes, `&&`, subshells, substitutions,
// wrappers, `sh -c`, `eval`, xargs and find -exec) and every redirect. What cannot be known before
// the shell runs it (a computed program name, computed code for `sh -c` or `eval`, computed names to
// delete) counts as dangerous.
import { runsDownload, runsDownloadedFile } from '@/lib/agent/command-downloads';
import { carriedCode, execGroups, hasFlag, invocations, operands, type Invocation } from '@/lib/agent/command-invocations';
import type { ShellCommand, ShellParser, ShellRedirect, ShellScript, ShellWord } from '@/lib/agent/shell-parse';

const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'yash', 'posh', 'fish', 'csh', 'tcsh', 'jsh', 'rbash']);
const ADMIN = new Set(['sudo', 'su', 'doas', 'pkexec', 'run0']);
const DISK_TOOLS = /^(mkfs(\..+)?|mke2fs|mkswap|fdisk|sfdisk|cfdisk|parted|wipefs|shred|blkdiscard)$/;
const SYSTEM_DIRS = /^\/(etc|usr|bin|sbin|boot|lib|lib32|lib64|var|root|home|opt|sys|proc|dev)?(\/|$)/;

/** Interpreters other than shells: the options that take inline code, and those taking a value. */
const INTERPRETERS: { name: RegExp; code: string[]; valued: string[]; }[] = [
  { name: /^python[0-9.]*$/, code: ['-c'], valued: ['-m', '-W', '-X', '-Q'] },
  { name: /^(node|nodejs|bun)$/, code: ['-e', '--eval', '-p', '--print'], valued: ['-r', '--require', '--import', '--loader', '--input-type'] },
  { name: /^deno$/, code: ['eval'], valued: [] },
  { name: /^perl$/, code: ['-e', '-E'], valued: ['-I', '-M', '-m'] },
  { name: /^ruby$/, code: ['-e'], valued: ['-I', '-r'] },
  { name: /^php[0-9.]*$/, code: ['-r'], valued: ['-c', '-d', '-f'] },
  { name: /^lua[0-9.]*$/, code: ['-e'], valued: ['-l'] },
];

// Inline code in a general-purpose language cannot be judged fully: it asks when it names a way to
// delete files or start programs, or builds names at run time (getattr, string concatenation, decoding).
const RISKY_CODE =
  /rmtree|rm_rf|rm_r\b|\brm(Sync)?\s*\(|rmdir|unlink|remove|\bdelete|truncate|shutil|child_process|subprocess|\bsystem\s*\(|popen|\bspawn|\bexec|\beval|\bFunction\s*\(|getattr|__import__|importlib|\brequire\s*\(\s*[^'"\s]|\bimport\s*\(|['"]\s*\+|\+\s*['"]|atob|b64decode|base64|fromCharCode|Buffer\.from|`/i;

export type DangerContext = { parse: ShellParser; depth: number };

/** Why a parsed script is dangerous, or null when it is not. */
export function dangerOf(script: ShellScript, ctx: DangerContext): string | null {
  for (const fn of script.functions) {
    if (fn.body.some((c) => c.words[0]?.text === fn.name)) return 'it is a fork bomb (a function that starts itself)';
  }
  const all = script.commands.flatMap(invocations);
  const leaves = all.some(leavesWorkspace);
  for (const redirect of script.redirects) {
    const why = redirectDanger(redirect, leaves);
    if (why) return why;
  }
  for (const inv of all) {
    const why = invocationDanger(inv, leaves, ctx);
    if (why) return why;
  }
  return runsDownloadedFile(all, runsCode) ? 'it downloads a script and runs it' : null;
}

function runsCode(inv: Invocation): boolean {
  const name = inv.name;
  return name !== null && (SHELLS.has(name) || name === 'source' || name === '.' || INTERPRETERS.some((i) => i.name.test(name)));
}

type Place = 'inside' | 'workspace' | 'outside';

/** Where a path points, seen from the workspace root (/workspace in the host sandbox). */
export function placeOf(path: string | null, leaves: boolean): Place {
  if (path === null || leaves) return 'outside';
  let rest = path;
  if (rest.startsWith('/')) {
    if (rest !== '/workspace' && !rest.startsWith('/workspace/')) return 'outside';
    rest = rest.slice('/workspace'.length);
  }
  const parts = rest.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return 'outside';
  return parts.length === 0 ? 'workspace' : 'inside';
}

/** A pattern in the first folder level that matches (nearly) every name: *, ?*, .*, [a-z]*, … */
function matchesEverything(word: ShellWord): boolean {
  if (!word.glob || word.text === null) return false;
  const first = word.text.replace(/^\/workspace(\/|$)/, '').split('/').find((p) => p !== '' && p !== '.') ?? '';
  return first.includes('[') || /^[.*?]*[*?][.*?]*$/.test(first);
}

/** cd/pushd/popd anywhere in the script away from the workspace (then nothing is relative to it). */
function leavesWorkspace(inv: Invocation): boolean {
  if (inv.name === 'popd') return true;
  if (inv.name !== 'cd' && inv.name !== 'pushd' && inv.name !== 'chdir') return false;
  const target = operands(inv.args).operands[0];
  if (!target || target.text === '-') return true;
  return placeOf(target.text, false) === 'outside';
}

function redirectDanger(r: ShellRedirect, leaves: boolean): string | null {
  const target = r.target.text;
  if (target !== null && /^\/dev\/(tcp|udp)\//.test(target)) return 'it opens a remote shell';
  if (['<', '<<', '<<-', '<<<', '<&'].includes(r.op)) return null;
  if ((r.op === '>&' || r.op === '<&') && target !== null && /^(\d+|-)$/.test(target)) return null;
  if (target !== null && /^\/dev\/(sd|hd|vd|xvd|nvme|mmcblk|disk|mapper|dm-|loop|md)/.test(target)) return 'it writes to a raw device';
  if (target !== null && /^(\/dev\/(null|stdout|stderr|fd\/\d+)|\/tmp\/.+)$/.test(target)) return null;
  if (target === null) return 'it writes to a file whose name is computed when it runs (maybe outside the project)';
  return placeOf(target, leaves) === 'inside' ? null : 'it writes outside the project';
}

function invocationDanger(inv: Invocation, leaves: boolean, ctx: DangerContext): string | null {
  const { name, args } = inv;
  if (name === null) return 'it runs a program whose name is computed when it runs';
  if (ADMIN.has(name)) return 'it asks for administrator rights';
  if (SHELLS.has(name) || name === 'source' || name === '.' || name === 'eval') return shellDanger(inv, ctx);
  const interpreter = INTERPRETERS.find((i) => i.name.test(name));
  if (interpreter) return interpreterDanger(inv, interpreter);
  for (const code of carriedCode(inv)) {
    const why = name.endsWith('awk') ? (code === null ? BUILT : RISKY_CODE.test(code) ? 'it runs inline code that deletes files or starts programs' : null) : nested(code, ctx);
    if (why) return why;
  }
  const texts = args.map((a) => a.text);
  if (texts.some((t) => t !== null && /\/dev\/(tcp|udp)\//.test(t))) return 'it opens a remote shell';
  if (texts.some((t) => t !== null && /\/etc\/(passwd|shadow|sudoers|group)|authorized_keys/.test(t)) || name === 'crontab') {
    return 'it changes system accounts or schedules';
  }
  switch (name) {
    case 'rm':
      return rmDanger(inv, leaves);
    case 'tee':
      return operands(args).operands.some((t) => t.text === null || (!/^\/(dev\/null|tmp\/.)/.test(t.text) && placeOf(t.text, leaves) !== 'inside')) ? 'it writes outside the project' : null;
    case 'find':
      return findDanger(args, leaves);
    case 'git':
      return gitDanger(args);
    case 'chmod':
    case 'chown':
    case 'chgrp': {
      const { flags, operands: targets } = operands(args);
      const recursive = hasFlag(flags, 'R', '--recursive');
      if (targets.slice(1).some((t) => t.text === '/' || (recursive && placeOf(t.text, leaves) === 'outside'))) return 'it changes permissions of system folders';
      return null;
    }
    case 'dd':
      return texts.some((t) => t === null || /^of=\/dev\/(?!null$|stdout$|stderr$)/.test(t)) ? 'it writes to a raw device' : null;
    case 'mv':
    case 'cp': {
      const dest = operands(args).operands.at(-1)?.text;
      return dest === null || (dest !== undefined && SYSTEM_DIRS.test(dest)) ? 'it moves files into system folders' : null;
    }
    case 'shutdown':
    case 'reboot':
    case 'halt':
    case 'poweroff':
      return 'it shuts the machine down';
    case 'init':
    case 'telinit':
      return texts.some((t) => t === '0' || t === '6') ? 'it shuts the machine down' : null;
    case 'systemctl':
      return texts.some((t) => t !== null && /^(poweroff|reboot|halt|kexec)$/.test(t)) ? 'it shuts the machine down' : null;
    case 'kill':
      return texts.includes('-1') ? 'it kills every process' : null;
    case 'killall':
    case 'killall5':
      return 'it kills every process';
    case 'nc':
    case 'ncat':
    case 'netcat':
      return hasFlag(operands(args).flags, 'e') || hasFlag(operands(args).flags, 'c') ? 'it opens a remote shell' : null;
    case 'socat':
      return texts.some((t) => t === null || /^(exec|system):/i.test(t)) ? 'it opens a remote shell' : null;
  }
  if (DISK_TOOLS.test(name)) return 'it formats or wipes disks';
  return null;
}

const BUILT = 'it runs code built when it runs';

/** A script or interpreter fed on standard input: judged by what feeds it. */
function stdinDanger(command: ShellCommand, judge: (code: string | null) => string | null): string | null {
  const fed = command.redirects.find((r) => r.op === '<<<' || r.op === '<<' || r.op === '<<-');
  if (fed) {
    const body = fed.op === '<<<' ? fed.target : fed.heredoc;
    if (!body || runsDownload(body.inner)) return 'it runs a downloaded script';
    return judge(body.text);
  }
  if (command.upstream.length === 0) return null;
  if (runsDownload(command.upstream)) return 'it pipes a download into a shell or interpreter';
  const decoders = command.upstream.filter((c) => ['base64', 'xxd', 'openssl', 'uudecode', 'gunzip', 'zcat'].includes(c.words[0]?.text ?? ''));
  return decoders.length > 0 ? 'it runs decoded, hidden code' : 'it pipes text into a shell or interpreter';
}

/** Parses and judges code given to `sh -c`, `eval` or a here-string; unknown code is dangerous. */
function nested(code: string | null, ctx: DangerContext): string | null {
  if (code === null) return BUILT;
  if (ctx.depth >= 4) return 'it nests shells too deeply to judge';
  const script = ctx.parse(code);
  if (!script) return 'it runs an inner command that cannot be parsed';
  return dangerOf(script, { ...ctx, depth: ctx.depth + 1 });
}

/** A download in a substitution among its arguments or redirects: `bash <(curl …)`, `bash < <(curl …)`. */
function feedsDownload(inv: Invocation): boolean {
  return inv.args.some((a) => runsDownload(a.inner)) || inv.command.redirects.some((r) => runsDownload(r.target.inner));
}

function shellDanger(inv: Invocation, ctx: DangerContext): string | null {
  if (feedsDownload(inv)) return 'it runs a downloaded script';
  if (inv.name === 'eval') return nested(inv.args.every((a) => a.text !== null) ? inv.args.map((a) => a.text).join(' ') : null, ctx);
  if (inv.name === 'source' || inv.name === '.') return null;
  const { flags, operands: rest } = operands(inv.args, ['-o', '+o', '-O', '+O', '--rcfile', '--init-file']);
  if (hasFlag(flags, 'c', '--command')) return nested(rest[0]?.text ?? null, ctx);
  if (inv.appended) return 'it runs a shell on names another command lists';
  const script = rest[0];
  if (!script || script.text === '-' || script.text === '/dev/stdin' || hasFlag(flags, 's')) return stdinDanger(inv.command, (code) => nested(code, ctx));
  return null;
}

/** Code given inline (`-c CODE`, `-cCODE`, `-Ic CODE`, `--eval=CODE`); null code: not known here. */
function inlineCode(word: string, next: string | null | undefined, flags: string[]): { code: string | null } | undefined {
  for (const flag of flags) {
    if (!/^-[A-Za-z]$/.test(flag)) {
      if (word === flag) return { code: next ?? null };
      if (word.startsWith(`${flag}=`)) return { code: word.slice(flag.length + 1) };
      continue;
    }
    const letter = flag[1]!;
    if (!word.startsWith('-') || word.startsWith('--') || !word.slice(1).includes(letter)) continue;
    if (new RegExp(`^-[A-Za-z]*${letter}$`).test(word)) return { code: next ?? null };
    // -cCODE; a letter inside some other cluster (-MFile::Temp) cannot be told apart here: unknown.
    return { code: word[1] === letter ? word.slice(2) : null };
  }
  return undefined;
}

function interpreterDanger(inv: Invocation, spec: (typeof INTERPRETERS)[number]): string | null {
  if (feedsDownload(inv)) return 'it runs a downloaded script';
  const judge = (code: string | null) => (code === null ? BUILT : RISKY_CODE.test(code) ? 'it runs inline code that deletes files or starts programs' : null);
  for (let i = 0; i < inv.args.length; i++) {
    const word = inv.args[i]!.text;
    if (word === null) return BUILT;
    const inline = inlineCode(word, inv.args[i + 1]?.text, spec.code);
    // What follows inline code (or a script's name) are its arguments, not the interpreter's.
    if (inline) return judge(inline.code);
    if (word === '-' || word === '/dev/stdin') break;
    if (!word.startsWith('-')) return null;
    if (word === '-m') return null;
    if (spec.valued.includes(word)) i++;
  }
  return stdinDanger(inv.command, judge);
}

function rmDanger(inv: Invocation, leaves: boolean): string | null {
  const { flags, operands: targets } = operands(inv.args);
  if (flags.includes('--no-preserve-root')) return 'it deletes the whole file system';
  if (!hasFlag(flags, 'r', '--recursive') && !hasFlag(flags, 'R')) return null;
  if (inv.appended) return 'it deletes recursively whatever another command lists';
  for (const target of targets) {
    if (target.text === null) return 'it deletes recursively a path computed when it runs';
    if (matchesEverything(target)) return 'it deletes recursively everything a pattern matches (the whole project)';
    const place = placeOf(target.text, leaves);
    if (place === 'workspace') return 'it deletes the whole project';
    if (place === 'outside') return 'it deletes recursively outside the project';
  }
  return null;
}

const NARROWING = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-lname', '-ilname']);

function findDanger(args: ShellWord[], leaves: boolean): string | null {
  const texts = args.map((a) => a.text);
  const deletes = texts.includes('-delete') || execGroups(args).some((g) => ['rm', 'rmdir', 'unlink', 'shred'].includes(g[0]?.text ?? '') || g[0]?.text === null);
  if (!deletes) return null;
  const start = texts.findIndex((t) => t === null || !['-H', '-L', '-P'].includes(t));
  const roots = [];
  for (let i = Math.max(start, 0); i < args.length && !/^[-(!)]/.test(texts[i] ?? '-'); i++) roots.push(args[i]!);
  const places = (roots.length ? roots : [{ text: '.', glob: false, inner: [] }]).map((r) => (matchesEverything(r) ? 'workspace' : placeOf(r.text, leaves)));
  if (places.includes('outside')) return 'it deletes files outside the project (find)';
  // A name filter narrows only when nothing else can reach -delete: no -o, `,` or negation around it.
  const branches = texts.some((t) => t === null || ['-o', '-or', ',', '!', '-not'].includes(t));
  const narrows = !branches && texts.some((t, i) => t !== null && NARROWING.has(t) && !/^[*?.]*$/.test(texts[i + 1] ?? '*'));
  if (places.includes('workspace') && !narrows) return 'it deletes every file of the project (find)';
  return null;
}

function gitDanger(args: ShellWord[]): string | null {
  let i = 0;
  while (i < args.length && (args[i]!.text === null || args[i]!.text!.startsWith('-'))) {
    i += ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--config-env', '--exec-path'].includes(args[i]!.text ?? '') ? 2 : 1;
  }
  const sub = args[i];
  if (!sub || sub.text !== 'clean') return sub?.text === null ? 'it runs a git command computed when it runs' : null;
  // Without -f, a repository setting (clean.requireForce=false) may still let it delete; only a dry run is safe.
  const { flags } = operands(args.slice(i + 1), ['-e', '--exclude']);
  const dryRun = flags.every((f) => f !== null) && hasFlag(flags, 'n', '--dry-run');
  return dryRun ? null : 'it deletes every untracked file (git clean)';
}
