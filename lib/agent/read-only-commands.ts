// The short list of commands that run without asking, in "ask" and "read-only" alike. A command is on
// it only as one plain parsed command: no operators, redirects, substitutions, expansions, globs or
// assignments; a listed program by its bare name; every option on that program's list. None of these
// programs reads configuration from the workspace, so nothing the agent wrote before can make them
// write or run something. git is not on the list: a repository's config and attributes (written by a
// command, or present in the project) run programs through fsmonitor, hooks, pagers, diff drivers,
// textconv and filters.
import type { ShellScript, ShellWord } from '@/lib/agent/shell-parse';

interface Options {
  /** Short options, alone or clustered (-la). */
  short: string;
  /** Short options that take a value (-n 5, -n5). */
  shortValued?: string;
  long?: string[];
  /** Long options that take a value (--max-depth=2, --max-depth 2). */
  longValued?: string[];
  /** -20 as in head -20. */
  numeric?: boolean;
}

const PROGRAMS: Record<string, Options | 'any' | 'find'> = {
  ls: { short: 'aAbBcCdfFghiklLmnNopqQrRsStuUvxXZ1', shortValued: 'ITw', long: ['all', 'almost-all', 'human-readable', 'recursive', 'directory', 'classify', 'color', 'si', 'reverse', 'size', 'inode', 'numeric-uid-gid', 'group-directories-first', 'full-time', 'sort', 'time'], longValued: ['ignore', 'width', 'format'] },
  pwd: { short: 'LP' },
  cat: { short: 'AbeEnstTuv', long: ['number', 'number-nonblank', 'show-all', 'squeeze-blank', 'show-ends', 'show-tabs', 'show-nonprinting'] },
  head: { short: 'qvz', shortValued: 'nc', numeric: true, long: ['quiet', 'silent', 'verbose'], longValued: ['lines', 'bytes'] },
  // No -f / -F / --follow: a command that never ends.
  tail: { short: 'qvz', shortValued: 'nc', numeric: true, long: ['quiet', 'silent', 'verbose'], longValued: ['lines', 'bytes'] },
  wc: { short: 'clmwL', long: ['bytes', 'chars', 'lines', 'words', 'max-line-length'] },
  grep: {
    short: 'EFGPiyvwxcLloqsbHhnTZzrRUaI',
    shortValued: 'efmABCdD',
    long: ['extended-regexp', 'fixed-strings', 'basic-regexp', 'perl-regexp', 'ignore-case', 'no-ignore-case', 'invert-match', 'word-regexp', 'line-regexp', 'count', 'files-with-matches', 'files-without-match', 'only-matching', 'quiet', 'silent', 'no-messages', 'byte-offset', 'with-filename', 'no-filename', 'line-number', 'recursive', 'dereference-recursive', 'text', 'null', 'null-data', 'initial-tab'],
    longValued: ['regexp', 'file', 'max-count', 'after-context', 'before-context', 'context', 'include', 'exclude', 'exclude-dir', 'color', 'colour', 'label', 'binary-files', 'devices', 'directories'],
  },
  echo: 'any',
  which: { short: 'as' },
  stat: { short: 'LfTt', shortValued: 'c', long: ['dereference', 'file-system', 'terse'], longValued: ['format', 'printf'] },
  du: { short: 'aAbcDhHklLmsSxP0', shortValued: 'dBt', long: ['all', 'apparent-size', 'human-readable', 'summarize', 'total', 'si', 'bytes', 'count-links', 'dereference'], longValued: ['max-depth', 'block-size', 'exclude', 'threshold'] },
  diff: { short: 'abBdeEiNpqrsStTuwyZ', shortValued: 'CUxX', long: ['brief', 'recursive', 'unified', 'context', 'new-file', 'ignore-all-space', 'ignore-space-change', 'ignore-blank-lines', 'ignore-case', 'text', 'report-identical-files', 'side-by-side', 'color', 'strip-trailing-cr'], longValued: ['exclude'] },
  // No -o / --output (writes a file), -R (writes 00Tree.html into every folder), -H (HTML), --fromfile.
  tree: { short: 'adlfxiqNQpugshDFvtUrcCAnSJX', shortValued: 'LPI', long: ['noreport', 'dirsfirst', 'gitignore', 'prune', 'matchdirs', 'ignore-case', 'du', 'si'], longValued: ['filelimit', 'sort'] },
  find: 'find',
};

/** Runs with no click in every mode: one plain command from the list above. */
export function isReadOnly(script: ShellScript): boolean {
  if (!script.single || script.commands.length !== 1 || script.redirects.length > 0) return false;
  const command = script.commands[0]!;
  if (command.assigns || command.redirects.length > 0 || command.upstream.length > 0) return false;
  const words: string[] = [];
  for (const word of command.words) {
    if (!plain(word)) return false;
    words.push(word.text!);
  }
  const [program, ...args] = words;
  // A path (./ls, /bin/ls) or anything else is not the program we vetted.
  if (!program || !Object.hasOwn(PROGRAMS, program)) return false;
  const spec = PROGRAMS[program]!;
  if (spec === 'any') return true;
  if (spec === 'find') return findIsReadOnly(args);
  return optionsAllowed(args, spec);
}

function plain(word: ShellWord): boolean {
  return word.text !== null && !word.glob && word.inner.length === 0;
}

function optionsAllowed(args: string[], spec: Options): boolean {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') return true;
    if (!arg.startsWith('-') || arg === '-') continue;
    if (arg.startsWith('--')) {
      const [name, value] = splitLong(arg.slice(2));
      if (spec.longValued?.includes(name)) {
        if (value === undefined) i++;
      } else if (!spec.long?.includes(name)) {
        return false;
      }
      continue;
    }
    if (spec.numeric && /^-\d+$/.test(arg)) continue;
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (spec.shortValued?.includes(letter)) {
        if (j === arg.length - 1) i++;
        break;
      }
      if (!spec.short.includes(letter)) return false;
    }
  }
  return true;
}

function splitLong(option: string): [string, string | undefined] {
  const at = option.indexOf('=');
  return at === -1 ? [option, undefined] : [option.slice(0, at), option.slice(at + 1)];
}

// find's expression: tests and operators that only look; no -exec*, -ok*, -delete, -fprint*, -fls.
const FIND_FLAGS = new Set(['-empty', '-readable', '-writable', '-executable', '-prune', '-print', '-print0', '-true', '-false', '-follow', '-mount', '-xdev', '-depth', '-nouser', '-nogroup', '-daystart', '-noleaf', '-ls', '-quit', '!', '-not', '-a', '-and', '-o', '-or', '(', ')', ',']);
const FIND_VALUED = new Set(['-name', '-iname', '-path', '-ipath', '-wholename', '-iwholename', '-regex', '-iregex', '-type', '-xtype', '-maxdepth', '-mindepth', '-size', '-mtime', '-mmin', '-atime', '-amin', '-ctime', '-cmin', '-newer', '-perm', '-user', '-group', '-links', '-inum', '-samefile', '-lname', '-ilname', '-printf', '-regextype', '-uid', '-gid']);

function findIsReadOnly(args: string[]): boolean {
  let i = 0;
  while (i < args.length && ['-H', '-L', '-P'].includes(args[i]!)) i++;
  while (i < args.length && !/^[-(!),]/.test(args[i]!)) i++;
  for (; i < args.length; i++) {
    const arg = args[i]!;
    if (FIND_VALUED.has(arg)) i++;
    else if (!FIND_FLAGS.has(arg)) return false;
  }
  return true;
}
