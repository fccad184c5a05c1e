// The approval policy: decides, for each tool call the model makes, whether it runs now, waits for
// the user's click, or is refused. Pure functions of (the project's policy, the call) — the policy
// comes only from the project's settings or the UI, never from anything the model read or wrote.
//
// auto       everything runs, except dangerous commands, which always ask.
// ask        reads and file edits run; commands ask, except a short read-only allowlist.
// read-only  reads run; file edits are refused; commands are refused except the read-only allowlist.
//
// `npm test` (and any package script) is NOT on the allowlist: it runs whatever package.json says,
// and the agent can edit package.json without asking, so allowing it would let "ask" be bypassed.

import type { ToolName } from '@/lib/agent/protocol';

export type ApprovalPolicy = 'auto' | 'ask' | 'read-only';

export type Decision =
  | { action: 'allow' }
  | { action: 'ask'; reason: string; dangerous: boolean }
  | { action: 'deny'; reason: string };

export type ToolClass = 'read' | 'write' | 'command' | 'control';

const TOOL_CLASS: Record<ToolName, ToolClass> = {
  list_files: 'read',
  read_file: 'read',
  search_files: 'read',
  preview_status: 'read',
  read_process_output: 'read',
  update_plan: 'read',
  write_file: 'write',
  edit_file: 'write',
  delete_path: 'write',
  move_path: 'write',
  run_command: 'command',
  start_process: 'command',
  // Stopping something the agent started can only make things quieter.
  stop_process: 'control',
};

export function toolClass(name: string): ToolClass | null {
  return Object.hasOwn(TOOL_CLASS, name) ? TOOL_CLASS[name as ToolName] : null;
}

/** The decision for one tool call. `command` is the shell command for run_command / start_process. */
export function decide(policy: ApprovalPolicy, tool: string, command?: string): Decision {
  const cls = toolClass(tool);
  if (!cls) return { action: 'deny', reason: `Unknown tool "${tool}".` };
  if (cls === 'read' || cls === 'control') return { action: 'allow' };
  if (cls === 'write') {
    return policy === 'read-only' ? { action: 'deny', reason: 'The project is in read-only mode: the agent may not change files.' } : { action: 'allow' };
  }
  const text = command ?? '';
  const danger = dangerOf(text);
  if (danger) {
    if (policy === 'read-only') return { action: 'deny', reason: `The project is in read-only mode, and this command is dangerous: ${danger}.` };
    return { action: 'ask', reason: `Dangerous command: ${danger}.`, dangerous: true };
  }
  if (isReadOnlyCommand(text)) return { action: 'allow' };
  if (policy === 'auto') return { action: 'allow' };
  if (policy === 'ask') return { action: 'ask', reason: 'Commands wait for your approval in "ask" mode.', dangerous: false };
  return { action: 'deny', reason: 'The project is in read-only mode: only read-only commands (ls, cat, grep, git status …) may run.' };
}

// ---------------------------------------------------------------------------------------------
// Read-only commands: a single simple command (no pipes, redirects, substitutions or chaining)
// whose program and arguments cannot write or run anything else.

const SHELL_META = /[;&|<>`$(){}\n\r\\!*?[\]~]/;

const READ_ONLY_PROGRAMS: Record<string, (args: string[]) => boolean> = {
  ls: () => true,
  pwd: () => true,
  cat: () => true,
  head: () => true,
  tail: (args) => !args.some((a) => a === '-f' || a === '-F' || a.startsWith('--follow')),
  wc: () => true,
  echo: () => true,
  which: () => true,
  stat: () => true,
  du: () => true,
  diff: () => true,
  grep: () => true,
  tree: (args) => !args.some((a) => a === '-o' || a.startsWith('--output') || a === '-R'),
  find: (args) => !args.some((a) => /^-(exec|execdir|ok|okdir|delete|fprint|fprint0|fprintf|fls)$/.test(a)),
  // git runs hooks, pagers and diff drivers from .git/config; the agent may not write under .git/
  // (see tools), and options that name programs or output files are refused here.
  git: (args) => {
    const [sub, ...rest] = args;
    if (!sub || !['status', 'diff', 'log', 'show'].includes(sub)) return false;
    return !rest.some((a) => /^--(output|ext-diff|textconv|exec|upload-pack|config)/.test(a) || a === '-c' || a === '-o');
  },
};

/**
 * Splits a simple command into words; null when it uses anything beyond plain words and quotes
 * (operators, redirects, expansions, globs, escapes). Conservative on purpose: null means "ask".
 */
export function simpleWords(command: string): string[] | null {
  const words: string[] = [];
  let i = 0;
  const text = command.trim();
  while (i < text.length) {
    let word = '';
    while (i < text.length && !/\s/.test(text[i]!)) {
      const ch = text[i]!;
      if (ch === "'" || ch === '"') {
        const close = text.indexOf(ch, i + 1);
        if (close === -1) return null;
        const inner = text.slice(i + 1, close);
        // Inside double quotes the shell still expands $, ` and \ (and ! interactively).
        if (ch === '"' && /[$`\\!]/.test(inner)) return null;
        word += inner;
        i = close + 1;
      } else {
        if (SHELL_META.test(ch)) return null;
        word += ch;
        i++;
      }
    }
    words.push(word);
    while (i < text.length && /\s/.test(text[i]!)) {
      if (text[i] === '\n' || text[i] === '\r') return null;
      i++;
    }
  }
  return words.length > 0 ? words : null;
}

export function isReadOnlyCommand(command: string): boolean {
  const words = simpleWords(command);
  if (!words || words.length === 0) return false;
  const [program, ...args] = words;
  // An environment assignment (FOO=1 ls) or a path to some other binary is not the program we vetted.
  if (!program || program.includes('=') || program.includes('/')) return false;
  const check = Object.hasOwn(READ_ONLY_PROGRAMS, program) ? READ_ONLY_PROGRAMS[program] : undefined;
  return check ? check(args) : false;
}

// ---------------------------------------------------------------------------------------------
// Dangerous commands: always ask (never run on "auto"), refused in read-only. Checked on the whole
// command text, so chaining and subshells cannot hide them.

interface DangerRule {
  test: (command: string) => boolean;
  why: string;
}

const SHELLS = '(?:sudo\\s+)?(?:ba|z|k|da|fi)?sh|python[0-9.]*|node|perl|ruby|php';
const DOWNLOADERS = '(?:curl|wget|fetch|aria2c|http|invoke-webrequest|iwr)';

const DANGER_RULES: DangerRule[] = [
  { test: (c) => /(^|[\s;&|(`])(sudo|su|doas|pkexec)(\s|$)/.test(c), why: 'it asks for administrator rights' },
  {
    test: (c) => new RegExp(`${DOWNLOADERS}\\b[^|;&]*\\|\\s*(?:env\\s+)?(?:${SHELLS})\\b`, 'i').test(c),
    why: 'it pipes a download into a shell',
  },
  {
    test: (c) => new RegExp(`(?:${SHELLS})\\s+(?:-c\\s+)?["']?(?:<\\(|\\$\\()\\s*${DOWNLOADERS}\\b`, 'i').test(c),
    why: 'it runs a downloaded script',
  },
  { test: (c) => /(base64|xxd)\b[^|;&]*(-d|--decode|-r)\b[^|;&]*\|\s*(?:ba|z|da)?sh\b/.test(c), why: 'it runs decoded, hidden code' },
  { test: (c) => /\|\s*(?:sudo\s+)?(?:ba|z|k|da)?sh(\s|$)/.test(c), why: 'it pipes text into a shell' },
  { test: recursiveDeleteOutside, why: 'it deletes recursively outside the project (or the whole project)' },
  {
    test: (c) => /\b(chmod|chown|chgrp)\b[^;&|]*\s(-[a-zA-Z]*R|--recursive)\b[^;&|]*\s(\/|~|\.\.)/.test(c) || /\bchmod\b[^;&|]*\s[0-7]*777\s+\/(\s|$)/.test(c),
    why: 'it changes permissions of system folders',
  },
  { test: (c) => /\bdd\b[^;&|]*\bof=\/dev\//.test(c) || />\s*\/dev\/(sd|nvme|hd|xvd|vd|disk|mmcblk)/.test(c), why: 'it writes to a raw device' },
  { test: (c) => /\b(mkfs(\.\w+)?|fdisk|parted|wipefs|shred)\b/.test(c), why: 'it formats or wipes disks' },
  { test: (c) => /([\w:]+)\s*\(\)\s*\{[^}]*\1\s*\|\s*\1/.test(c.replace(/\s+/g, ' ')), why: 'it is a fork bomb' },
  { test: (c) => /(^|[\s;&|])(shutdown|reboot|halt|poweroff|init\s+[06])(\s|$)/.test(c), why: 'it shuts the machine down' },
  { test: (c) => /\bkill\s+(-\S+\s+)*-1(\s|$)/.test(c) || /\bkillall5?\b/.test(c), why: 'it kills every process' },
  { test: (c) => /(^|[^<\d&])>>?\s*(\/(?!dev\/null|tmp\/)|~)/.test(c), why: 'it writes outside the project' },
  { test: (c) => /\bmv\b[^;&|]*\s(\/|~\/?)(\s|$)/.test(c) || /\bmv\b[^;&|]*\s\/(etc|usr|bin|boot|lib|var|root|home)\b/.test(c), why: 'it moves files into system folders' },
  { test: (c) => /\bcrontab\b|\/etc\/(passwd|shadow|sudoers)|\bauthorized_keys\b/.test(c), why: 'it changes system accounts or schedules' },
  { test: (c) => /\b(nc|ncat|netcat|socat)\b[^;&|]*\s-(e|c)\b/.test(c) || /\/dev\/tcp\//.test(c), why: 'it opens a remote shell' },
];

/** Why a command is dangerous, or null when it is not. */
export function dangerOf(command: string): string | null {
  // Also test with quotes and backslashes removed, so 'r''m' -rf / or su\do do not slip through.
  const plain = command.replace(/["'\\]/g, '');
  for (const rule of DANGER_RULES) if (rule.test(command) || rule.test(plain)) return rule.why;
  return null;
}

/** rm -r / rm -rf whose targets leave the workspace (absolute, ~, .., $VAR) or are the workspace itself. */
function recursiveDeleteOutside(command: string): boolean {
  for (const segment of command.split(/&&|\|\||[;|&\n(){}`]/)) {
    const words = segment.trim().split(/\s+/);
    const at = words.findIndex((w) => w === 'rm' || w.endsWith('/rm'));
    if (at === -1) continue;
    const args = words.slice(at + 1);
    const recursive = args.some((a) => /^-[a-zA-Z]*[rR]/.test(a) || a === '--recursive');
    if (!recursive) continue;
    const targets = args.filter((a) => !a.startsWith('-')).map((a) => a.replace(/^["']|["']$/g, ''));
    if (args.includes('--no-preserve-root')) return true;
    if (targets.some((t) => /^(\/|~|\$)/.test(t) || t.split('/').includes('..') || /^(\.\/?|\*|\.\/\*|\.\*)$/.test(t))) return true;
  }
  return false;
}
