import { beforeAll, describe, expect, it } from 'vitest';
import { isReadOnly } from '@/lib/agent/read-only-commands';
import { loadShellParser, type ShellParser } from '@/lib/agent/shell-parse';

let parse: ShellParser;
beforeAll(async () => {
  parse = await loadShellParser();
});

const readOnly = (command: string) => {
  const script = parse(command);
  return script !== null && isReadOnly(script);
};

describe('isReadOnly', () => {
  it.each([
    'ls',
    'ls -la',
    'ls -la src',
    'cat src/index.js',
    'cat -n a.txt',
    'head -n 20 README.md',
    'head -20 README.md',
    'tail -n 50 log.txt',
    'wc -l src/a.ts',
    'grep -rn "needle" src',
    'grep -rn --include=\'*.ts\' -e "a b" src',
    "find src -name '*.test.ts'",
    'find . -type f -maxdepth 2 -print',
    "find . \\( -name a -o -name b \\) -print",
    'tree src',
    'tree -a -L 2 src',
    'echo hello',
    "echo 'a; rm -rf /'",
    'du -sh src',
    'diff -u a.txt b.txt',
    'pwd',
    'stat -c %s package.json',
  ])('allows %j', (command) => expect(readOnly(command)).toBe(true));

  it.each([
    // git runs programs named in files the agent can write (fsmonitor, hooks, pager, diff drivers, filters).
    'git status',
    'git diff',
    'git log --oneline -5',
    'git show HEAD',
    // Options that write or run things.
    'tree -ao FILE',
    'tree -o out.txt',
    'tree --output=out.txt',
    'tree -R -H . src',
    'find . -delete',
    'find . -exec rm {} ;',
    'find . -execdir id ;',
    'find . -ok rm {} ;',
    'find . -fprint out.txt',
    'find . -fls out.txt',
    'find . -newer a -fprintf out %p',
    'tail -f log',
    'tail --follow log',
    'grep --unknown-flag x',
    'ls --hyperlink-to-something',
    // Not a single plain command.
    'npm test',
    'npm run build',
    'node -e "1"',
    'ls; rm -rf src',
    'ls && touch x',
    'ls || touch x',
    'ls &',
    '! ls',
    '(ls)',
    '{ ls; }',
    'cat a > b',
    'cat a >> b',
    'cat < a',
    'cat <<< a',
    'cat a | sh',
    'echo $(rm -rf src)',
    'echo `id`',
    'echo "$HOME"',
    'echo $HOME',
    'echo ~',
    'echo {a,b}',
    "echo $'\\x41'",
    'ls *',
    'ls src/?.ts',
    'cat [ab].txt',
    'FOO=1 ls',
    './ls',
    '/bin/ls',
    'ls\nrm -rf src',
    'f() { ls; }',
    'for f in a; do ls; done',
    '[[ -f x ]]',
  ])('refuses %j', (command) => expect(readOnly(command)).toBe(false));

  it('quoted operators are plain text', () => {
    expect(readOnly(`grep -n 'a | b; c > d' "e && f"`)).toBe(true);
    expect(readOnly(`l's' -la`)).toBe(true);
  });
});
