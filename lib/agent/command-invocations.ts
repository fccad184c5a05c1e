// From parsed commands to the programs they run: `env X=1 nice -n 5 /bin/bash` runs bash, `xargs rm`
// runs rm on names it reads, `find … -exec sh -c '…' {} +` runs sh, `busybox sh` runs sh. The approval
// policy judges every program found this way, not only the first word.
import type { ShellCommand, ShellWord } from '@/lib/agent/shell-parse';

export interface Invocation {
  /** The program's file name (the last part of its path); null when computed at run time. */
  name: string | null;
  args: ShellWord[];
  command: ShellCommand;
  /** Run by xargs: more arguments, unknown here, are appended. */
  appended: boolean;
}

interface Wrapper {
  /** Options that take the next word as their value. */
  valued: string[];
  /** Words after the options that are not the command (timeout's duration, chroot's folder). */
  operands: number;
  /** NAME=value words before the command (env). */
  assignments?: boolean;
  appended?: boolean;
}

const WRAPPERS: Record<string, Wrapper> = {
  env: { valued: ['-u', '--unset', '-C', '--chdir', '-S', '--split-string'], operands: 0, assignments: true },
  command: { valued: [], operands: 0 },
  builtin: { valued: [], operands: 0 },
  exec: { valued: ['-a'], operands: 0 },
  nice: { valued: ['-n', '--adjustment'], operands: 0 },
  nohup: { valued: [], operands: 0 },
  time: { valued: ['-f', '--format', '-o', '--output'], operands: 0 },
  timeout: { valued: ['-s', '--signal', '-k', '--kill-after'], operands: 1 },
  stdbuf: { valued: ['-i', '-o', '-e', '--input', '--output', '--error'], operands: 0 },
  setsid: { valued: [], operands: 0 },
  ionice: { valued: ['-c', '-n', '-p', '--class', '--classdata'], operands: 0 },
  taskset: { valued: [], operands: 1 },
  chrt: { valued: [], operands: 1 },
  flock: { valued: ['-w', '--timeout', '-E', '--conflict-exit-code', '-c', '--command'], operands: 1 },
  chroot: { valued: ['--userspec', '--groups'], operands: 1 },
  unbuffer: { valued: [], operands: 0 },
  strace: { valued: ['-o', '-e', '-p', '-s', '-u'], operands: 0 },
  watch: { valued: ['-n', '--interval', '-d'], operands: 0 },
  sudo: { valued: ['-u', '--user', '-g', '--group', '-C', '-D', '-h', '-p', '-r', '-t', '-U'], operands: 0, assignments: true },
  doas: { valued: ['-u', '-C'], operands: 0 },
  busybox: { valued: [], operands: 0 },
  xargs: {
    valued: ['-a', '--arg-file', '-d', '--delimiter', '-E', '-I', '-L', '--max-lines', '-n', '--max-args', '-P', '--max-procs', '-s', '--max-chars'],
    operands: 0,
    appended: true,
  },
};

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Every program a command runs: itself, then whatever its wrappers and find's -exec start. */
export function invocations(command: ShellCommand): Invocation[] {
  return unwrap(command.words, command, false, 0);
}

function unwrap(words: ShellWord[], command: ShellCommand, appended: boolean, depth: number): Invocation[] {
  const [first, ...args] = words;
  if (!first) return [];
  const name = first.text === null ? null : basename(first.text);
  const found: Invocation[] = [{ name, args, command, appended }];
  if (depth > 8 || name === null) return found;
  const wrapper = Object.hasOwn(WRAPPERS, name) ? WRAPPERS[name] : undefined;
  if (wrapper) found.push(...unwrap(afterWrapper(args, wrapper), command, appended || !!wrapper.appended, depth + 1));
  if (name === 'find') for (const group of execGroups(args)) found.push(...unwrap(group, command, appended, depth + 1));
  return found;
}

function afterWrapper(args: ShellWord[], wrapper: Wrapper): ShellWord[] {
  let i = 0;
  while (i < args.length) {
    const word = args[i]!.text;
    if (word === '--') {
      i++;
      break;
    }
    if (word !== null && word.startsWith('-') && word.length > 1) {
      i += wrapper.valued.includes(word) ? 2 : 1;
    } else if (wrapper.assignments && word !== null && /^[A-Za-z_][A-Za-z0-9_]*=/.test(word)) {
      i++;
    } else {
      break;
    }
  }
  return args.slice(i + wrapper.operands);
}

/** The commands of find's -exec, -execdir, -ok and -okdir (up to `;` or `+`). */
export function execGroups(args: ShellWord[]): ShellWord[][] {
  const groups: ShellWord[][] = [];
  for (let i = 0; i < args.length; i++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(args[i]!.text ?? '')) continue;
    const end = args.findIndex((w, j) => j > i && (w.text === ';' || w.text === '+'));
    const stop = end === -1 ? args.length : end;
    groups.push(args.slice(i + 1, stop));
    i = stop;
  }
  return groups;
}

/** Splits options from operands the way most commands do: `--` ends options; `-` alone is an operand. */
export function operands(args: ShellWord[], valued: string[] = []): { flags: (string | null)[]; operands: ShellWord[] } {
  const flags: (string | null)[] = [];
  const found: ShellWord[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (word.text === '--') {
      found.push(...args.slice(i + 1));
      break;
    }
    if (word.text === null) {
      // Unknown: could be an option or a name; callers treat null flags as "anything".
      flags.push(null);
      found.push(word);
    } else if (word.text.startsWith('-') && word.text.length > 1) {
      flags.push(word.text);
      if (valued.includes(word.text)) i++;
    } else {
      found.push(word);
    }
  }
  return { flags, operands: found };
}

/** A short-option cluster (`-rf`, `-xdf`) or long option that contains the given letter or name. */
export function hasFlag(flags: (string | null)[], letter: string, long?: string): boolean {
  return flags.some(
    (f) => f === null || (!f.startsWith('--') && f.slice(1).includes(letter)) || (long !== undefined && (f === long || f.startsWith(`${long}=`))),
  );
}

/**
 * Shell code that a program runs from one of its arguments: trap's action, watch's command, script -c,
 * flock -c, npx -c / npm exec -c, env -S, a git alias starting with `!`, awk's program. null: computed.
 */
export function carriedCode(inv: Invocation): (string | null)[] {
  const texts = inv.args.map((a) => a.text);
  // The value of an option: `-c CODE`, `-qc CODE`, `-cCODE`, `--command CODE`, `--command=CODE`.
  const after = (short: string, long?: string) =>
    texts.flatMap((t, i) => {
      if (t === null) return [];
      if (long && t.startsWith(`${long}=`)) return [t.slice(long.length + 1)];
      if (t === long || new RegExp(`^-[A-Za-z]*${short}$`).test(t)) return [texts[i + 1] ?? null];
      return t.startsWith(`-${short}`) && !t.startsWith('--') ? [t.slice(2)] : [];
    });
  switch (inv.name) {
    case 'trap':
      return texts.slice(0, 1).filter((t) => t !== '--');
    case 'watch': {
      const rest = operands(inv.args, ['-n', '--interval', '-d']).operands;
      return rest.length ? [rest.every((w) => w.text !== null) ? rest.map((w) => w.text).join(' ') : null] : [];
    }
    case 'script':
    case 'flock':
      return after('c', '--command');
    case 'npx':
    case 'npm':
      return after('c', '--call');
    case 'env':
      return after('S', '--split-string');
    case 'git':
      return after('c').flatMap((t) => (t === null ? [null] : /^alias\.[^=]*=\s*!/i.test(t) ? [t.slice(t.indexOf('!') + 1)] : []));
    case 'awk':
    case 'gawk':
    case 'mawk':
    case 'nawk': {
      if (texts.some((t) => t === '-f' || t?.startsWith('--file'))) return [];
      const program = operands(inv.args, ['-F', '-v', '--field-separator', '--assign']).operands[0];
      return program ? [program.text] : [];
    }
    default:
      return [];
  }
}
