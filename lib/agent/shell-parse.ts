// Parses a shell command with a real bash parser (mvdan-sh: mvdan.cc/sh compiled to JavaScript,
// synchronous, no WebAssembly) and reduces its syntax tree to what the approval policy judges: every
// simple command at any depth (subshells, pipelines, substitutions, loops, function bodies), each
// with its words after quote removal, its redirects and what pipes into it. Anything the reduction
// cannot state for certain becomes `text: null` (a value known only when the shell runs it).
import type { GoNode, syntax as MvdanSyntax } from 'mvdan-sh';

export interface ShellWord {
  /** The value after quote removal; null when it holds an expansion ($x, $(…), `…`, ~, {a,b}, $'…', …). */
  text: string | null;
  /** An unquoted *, ? or [: the shell replaces the word with matching file names. */
  glob: boolean;
  /** The commands inside command or process substitutions in this word. */
  inner: ShellCommand[];
}

export interface ShellRedirect {
  op: string;
  target: ShellWord;
  /** The body of a here-document (`<<EOF`). */
  heredoc: ShellWord | null;
}

export interface ShellCommand {
  words: ShellWord[];
  /** FOO=1 before the command. */
  assigns: boolean;
  redirects: ShellRedirect[];
  /** Every command on the left of a pipe that ends in this one. */
  upstream: ShellCommand[];
}

export interface ShellScript {
  /** Every simple command, at any depth, in the order the parser meets them. */
  commands: ShellCommand[];
  /** Every redirect, including those of subshells, blocks and loops. */
  redirects: ShellRedirect[];
  functions: { name: string; body: ShellCommand[] }[];
  /** Exactly one statement, a plain command: no operator, `&`, `!`, loop, function or block around it. */
  single: boolean;
}

/** null: the text is not a complete, valid script (or is too long to judge). */
export type ShellParser = (source: string) => ShellScript | null;

/** The tool schemas cap a command at 4,000 characters; a longer text is not judged at all. */
export const MAX_COMMAND_LENGTH = 4000;
/** Reading the parsed tree costs ~0.1 ms a node in the browser; a bigger script (≈500 words) asks instead. */
export const MAX_NODES = 1000;

type Syntax = typeof MvdanSyntax;

let loading: Promise<ShellParser> | undefined;

/** Loads the parser once (a separate chunk in the browser: ~270 KB gzipped, fetched on the first command). */
export function loadShellParser(): Promise<ShellParser> {
  loading ??= import('mvdan-sh')
    .then((mod) => {
      const syntax = (mod as { default?: { syntax?: Syntax } }).default?.syntax ?? mod.syntax;
      return createShellParser(syntax);
    })
    .catch((error: unknown) => {
      loading = undefined;
      throw error;
    });
  return loading;
}

export function createShellParser(syntax: Syntax): ShellParser {
  const ops = operatorNames(syntax);
  return (source) => {
    if (source.length > MAX_COMMAND_LENGTH) return null;
    let file: GoNode;
    try {
      file = syntax.NewParser().Parse(source, '');
    } catch {
      return null;
    }
    try {
      return new Reducer(syntax, ops).script(file);
    } catch (error) {
      if (error instanceof ShapeError) return null;
      throw error;
    }
  };
}

class ShapeError extends Error {}

function list(value: unknown): GoNode[] {
  if (value == null) return [];
  if (!Array.isArray(value)) throw new ShapeError('expected a list');
  return value as GoNode[];
}

function node(value: unknown): GoNode | null {
  if (value == null) return null;
  if (typeof value !== 'object') throw new ShapeError('expected a node');
  return value as GoNode;
}

function text(value: unknown): string {
  if (typeof value !== 'string') throw new ShapeError('expected a string');
  return value;
}

/** The parser's operators are Go token numbers; their names are read from the parser itself. */
function operatorNames(syntax: Syntax): Map<number, string> {
  const probes: [string, string][] = [
    ['&&', 'a && b'], ['||', 'a || b'], ['|', 'a | b'], ['|&', 'a |& b'],
    ['>', 'a > f'], ['>>', 'a >> f'], ['<', 'a < f'], ['<>', 'a <> f'], ['<&', 'a <& 0'], ['>&', 'a >& 1'],
    ['>|', 'a >| f'], ['<<', 'a << E\nE\n'], ['<<-', 'a <<- E\nE\n'], ['<<<', 'a <<< w'], ['&>', 'a &> f'], ['&>>', 'a &>> f'],
  ];
  const names = new Map<number, string>();
  for (const [name, source] of probes) {
    syntax.Walk(syntax.NewParser().Parse(source, ''), (n) => {
      if (n && typeof n.Op === 'number') {
        names.set(n.Op, name);
        return false;
      }
      return true;
    });
  }
  return names;
}

/** Backslash removal outside quotes; null for tilde and brace expansion (values only the shell knows). */
function unquotedLiteral(raw: string, first: boolean): { value: string; glob: boolean } | null {
  if (first && raw.startsWith('~')) return null;
  if (/(^|[^\\])\{[^}]*(,|\.\.)[^}]*\}/.test(raw)) return null;
  let value = '';
  let glob = false;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === '\\') {
      const next = raw[i + 1];
      if (next !== undefined && next !== '\n') value += next;
      i++;
    } else {
      if (ch === '*' || ch === '?' || ch === '[') glob = true;
      value += ch;
    }
  }
  return { value, glob };
}

/** Inside double quotes a backslash only escapes $ ` " \ and a newline. */
function doubleQuotedLiteral(raw: string): string {
  return raw.replace(/\\([$`"\\\n])/g, (_, ch: string) => (ch === '\n' ? '' : ch));
}

class Reducer {
  readonly #syntax: Syntax;
  readonly #ops: Map<number, string>;
  readonly #commands: ShellCommand[] = [];
  readonly #redirects: ShellRedirect[] = [];
  readonly #functions: { name: string; body: ShellCommand[] }[] = [];
  #nodes = 0;

  constructor(syntax: Syntax, ops: Map<number, string>) {
    this.#syntax = syntax;
    this.#ops = ops;
  }

  script(file: GoNode): ShellScript {
    const stmts = list(file.Stmts);
    const only = stmts.length === 1 ? stmts[0]! : null;
    const cmd = only && node(only.Cmd);
    const single = !!cmd && this.#type(cmd) === 'CallExpr' && !only!.Background && !only!.Negated && !only!.Coprocess;
    this.#walk(file);
    return { commands: this.#commands, redirects: this.#redirects, functions: this.#functions, single };
  }

  #type(n: GoNode): string {
    return this.#syntax.NodeType(n);
  }

  #walk(root: GoNode): void {
    this.#syntax.Walk(root, (n) => (n ? this.#enter(n) : true));
  }

  /** Returns false for nodes it reduced itself (their children are already visited). */
  #enter(n: GoNode): boolean {
    if (++this.#nodes > MAX_NODES) throw new ShapeError('too many nodes');
    switch (this.#type(n)) {
      case 'Stmt': {
        const redirects = list(n.Redirs).map((r) => this.#redirect(r));
        const cmd = node(n.Cmd);
        if (cmd && this.#type(cmd) === 'CallExpr') this.#call(cmd, redirects);
        else if (cmd) this.#walk(cmd);
        return false;
      }
      case 'CallExpr':
        this.#call(n, []);
        return false;
      case 'BinaryCmd': {
        const op = this.#ops.get(n.Op as number);
        if (op !== '|' && op !== '|&') return true;
        const left = this.#collect(() => this.#walk(node(n.X)!));
        const right = this.#collect(() => this.#walk(node(n.Y)!));
        for (const command of right) command.upstream.push(...left);
        return false;
      }
      case 'FuncDecl': {
        const name = text(node(n.Name)?.Value);
        const body = this.#collect(() => this.#walk(node(n.Body)!));
        this.#functions.push({ name, body });
        return false;
      }
      case 'Redirect':
        this.#redirect(n);
        return false;
      default:
        return true;
    }
  }

  #collect(run: () => void): ShellCommand[] {
    const start = this.#commands.length;
    run();
    return this.#commands.slice(start);
  }

  #call(call: GoNode, redirects: ShellRedirect[]): void {
    const assigns = list(call.Assigns);
    for (const assign of assigns) this.#walk(assign);
    const words = list(call.Args).map((w) => this.#word(w));
    if (words.length === 0 && assigns.length === 0 && redirects.length === 0) return;
    this.#commands.push({ words, assigns: assigns.length > 0, redirects, upstream: [] });
  }

  #redirect(r: GoNode): ShellRedirect {
    const op = this.#ops.get(r.Op as number) ?? '?';
    const target = this.#word(node(r.Word)!);
    const hdoc = node(r.Hdoc);
    const redirect = { op, target, heredoc: hdoc ? this.#word(hdoc) : null };
    this.#redirects.push(redirect);
    return redirect;
  }

  #word(w: GoNode): ShellWord {
    let value: string | null = '';
    let glob = false;
    list(w.Parts).forEach((part, i) => {
      const piece = this.#literal(part, i === 0);
      if (piece === null) value = null;
      else if (value !== null) value += piece.value;
      glob ||= piece?.glob ?? false;
    });
    // Every substitution anywhere in the word (also inside ${x:-…} or $((…))) is judged like any command.
    const inner = this.#collect(() => this.#walk(w));
    return { text: value, glob, inner };
  }

  #literal(part: GoNode, first: boolean): { value: string; glob: boolean } | null {
    switch (this.#type(part)) {
      case 'Lit':
        return unquotedLiteral(text(part.Value), first);
      case 'SglQuoted':
        return part.Dollar ? null : { value: text(part.Value), glob: false };
      case 'DblQuoted': {
        if (part.Dollar) return null;
        let value = '';
        for (const inner of list(part.Parts)) {
          if (this.#type(inner) !== 'Lit') return null;
          value += doubleQuotedLiteral(text(inner.Value));
        }
        return { value, glob: false };
      }
      default:
        return null;
    }
  }
}
