import { beforeAll, describe, expect, it } from 'vitest';
import { loadShellParser, MAX_COMMAND_LENGTH, MAX_NODES, type ShellParser, type ShellScript } from '@/lib/agent/shell-parse';

let parse: ShellParser;
beforeAll(async () => {
  parse = await loadShellParser();
});

function parsed(command: string): ShellScript {
  const script = parse(command);
  if (!script) throw new Error(`did not parse: ${command}`);
  return script;
}

const argv = (script: ShellScript) => script.commands.map((c) => c.words.map((w) => w.text));

describe('the shell parser reduction', () => {
  it('loads once', async () => {
    expect(await loadShellParser()).toBe(parse);
  });

  it('removes quotes and backslashes the way the shell does', () => {
    expect(argv(parsed(`grep -n 'a b' "c d" e\\ f "g\\"h" 'i\\j'`))).toEqual([['grep', '-n', 'a b', 'c d', 'e f', 'g"h', 'i\\j']]);
    expect(argv(parsed(`l's' -la`))).toEqual([['ls', '-la']]);
    expect(argv(parsed('su\\do x'))).toEqual([['sudo', 'x']]);
  });

  it('marks what only the shell knows as null: parameters, substitutions, tilde, braces, $\'…\'', () => {
    for (const word of ['$HOME', '"$HOME"', '${x}', '$(id)', '`id`', '~', '~/x', '{a,b}', '{1..3}', "$'\\x41'", '$((1+1))', 'a"$b"c']) {
      expect(parsed(`echo ${word}`).commands.at(-1)!.words[1]!.text, word).toBeNull();
    }
    expect(parsed('echo {}').commands[0]!.words[1]!.text).toBe('{}');
    expect(parsed('echo a~').commands[0]!.words[1]!.text).toBe('a~');
  });

  it('marks unquoted patterns as globs, quoted or escaped ones not', () => {
    const words = parsed(`echo * ?x [ab] '*' "?" \\*`).commands[0]!.words.slice(1);
    expect(words.map((w) => w.glob)).toEqual([true, true, true, false, false, false]);
  });

  it('finds every command: chains, subshells, blocks, loops, substitutions, functions', () => {
    const script = parsed('a && b || c; (d) | { e; }; for x in $(f); do g "${y:-$(h)}"; done; i() { j; }; k <(l) > "$(m)"');
    const names = script.commands.map((c) => c.words[0]?.text).filter(Boolean);
    expect(new Set(names)).toEqual(new Set(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'j', 'k', 'l', 'm']));
    expect(script.functions.map((f) => f.name)).toEqual(['i']);
    expect(script.single).toBe(false);
  });

  it('records what pipes into a command, and substitutions inside its words', () => {
    const script = parsed('curl x | tr a b | sh -c "$(cat y)"');
    const sh = script.commands.find((c) => c.words[0]?.text === 'sh')!;
    expect(sh.upstream.map((c) => c.words[0]?.text)).toEqual(['curl', 'tr']);
    expect(sh.words[2]!.inner.map((c) => c.words[0]?.text)).toEqual(['cat']);
  });

  it('keeps redirects with their operator, target and here-document', () => {
    const script = parsed('cat > out.txt 2>&1 <<EOF\nhello\nEOF');
    expect(script.redirects.map((r) => [r.op, r.target.text])).toEqual([['>', 'out.txt'], ['>&', '1'], ['<<', 'EOF']]);
    expect(script.redirects[2]!.heredoc?.text).toBe('hello\n');
  });

  it('one plain command is single; assignments, background, negation and operators are not', () => {
    expect(parsed('ls -la').single).toBe(true);
    for (const command of ['ls &', '! ls', 'ls; ls', 'ls | cat', '(ls)', 'f() { ls; }']) expect(parsed(command).single, command).toBe(false);
    expect(parsed('FOO=1 ls').commands[0]!.assigns).toBe(true);
  });

  it('refuses what is not a complete script, and anything longer than a command may be', () => {
    for (const command of ['echo "open', "echo 'open", 'ls (', 'if true; then ls', 'echo $(', 'a &&', 'cat <<EOF\nno end']) {
      expect(parse(command), command).toBeNull();
    }
    expect(parse(`echo ${'a'.repeat(MAX_COMMAND_LENGTH)}`)).toBeNull();
    expect(parse(`echo ${'a'.repeat(MAX_COMMAND_LENGTH - 10)}`)).not.toBeNull();
  });

  it('refuses a script with more nodes than it reads; a long here-document is few nodes', () => {
    expect(parse(`echo ${'a '.repeat(MAX_NODES / 2)}`)).toBeNull();
    expect(parse(`echo ${'a '.repeat(MAX_NODES / 4)}`)).not.toBeNull();
    const body = Array.from({ length: 80 }, (_, i) => `const value${i} = compute(${i});`).join('\n');
    expect(parse(`cat > src/big.ts <<'EOF'\n${body}\nEOF`)?.commands).toHaveLength(1);
  });
});
