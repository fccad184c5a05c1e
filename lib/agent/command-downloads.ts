// Downloads that end up running as code: piped into a shell (judged in command-danger.ts), or saved
// to a file that a later command of the same script runs (`curl -o i.sh URL && bash i.sh`).
import { basename, invocations, operands, type Invocation } from '@/lib/agent/command-invocations';
import type { ShellCommand } from '@/lib/agent/shell-parse';

export const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'aria2c', 'http', 'https', 'xh', 'lynx', 'links', 'nc', 'ncat', 'netcat', 'scp', 'rsync']);

export function runsDownload(commands: ShellCommand[]): boolean {
  return commands.flatMap(invocations).some((inv) => inv.name !== null && DOWNLOADERS.has(inv.name));
}

const normalize = (path: string) => path.replace(/^(\.\/)+/, '');

/** The files a script's downloads write; `unknown` when one saves under a name it picks itself. */
function savedFiles(all: Invocation[]): { names: Set<string>; unknown: boolean } {
  const names = new Set<string>();
  let unknown = false;
  for (const inv of all) {
    if (inv.name === null || !DOWNLOADERS.has(inv.name)) continue;
    for (const r of inv.command.redirects) {
      if (['>', '>>', '>|', '&>', '&>>'].includes(r.op)) {
        if (r.target.text === null) unknown = true;
        else names.add(normalize(r.target.text));
      }
    }
    const texts = inv.args.map((a) => a.text);
    const output = ['-o', '--output', '-O', '--output-document'].map((flag) => texts.indexOf(flag)).find((at) => at !== -1);
    const attached = texts.find((t) => t !== null && /^(--output=|--output-document=|-o.|-O.)/.test(t));
    const named = output !== undefined ? texts[output + 1] : attached?.replace(/^(--output=|--output-document=|-o|-O)/, '');
    if (named === null || (inv.name === 'curl' && texts.some((t) => t === '-O' || t === '--remote-name' || t === '--remote-name-all'))) unknown = true;
    else if (named !== undefined && named !== '-') names.add(normalize(named));
    else if (named === undefined && inv.name !== 'curl' && !['http', 'https', 'xh', 'nc', 'ncat', 'netcat'].includes(inv.name)) unknown = true;
    if (texts.includes(null)) unknown = true;
  }
  return { names, unknown };
}

/** A later command that runs a file the script downloaded (as a program or as a script of a shell). */
export function runsDownloadedFile(all: Invocation[], runners: (inv: Invocation) => boolean): boolean {
  const saved = savedFiles(all);
  if (saved.names.size === 0 && !saved.unknown) return false;
  return all.some((inv) => {
    const program = inv.command.words[0]?.text;
    if (program && program.includes('/') && (saved.unknown || saved.names.has(normalize(program)) || saved.names.has(basename(program)))) return true;
    if (!runners(inv)) return false;
    const script = operands(inv.args).operands[0]?.text;
    if (script === undefined || script === '-') return false;
    return saved.unknown || script === null || saved.names.has(normalize(script));
  });
}
