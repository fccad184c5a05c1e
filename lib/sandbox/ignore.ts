// What the sync between a sandbox and the database leaves alone: what is rebuilt rather than
// authored (dependencies, build output, caches) and what the project's .gitignore names. The
// .gitignore support covers the common forms: names, folder names with a trailing slash,
// root-anchored paths with a leading slash, and `*` wildcards within one path segment.

const ALWAYS = ['node_modules', '.git', '.next', '.cache', '.vite', '.turbo', 'coverage', '.npm', '.DS_Store'];
const BUILD_DIRS = ['dist', 'build', 'out'];

export type IgnoreFn = (path: string) => boolean;

interface Rule {
  regex: RegExp;
  anchored: boolean;
  negate: boolean;
}

function globToRegex(glob: string): RegExp {
  const escaped = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*\*/g, '\u0000').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${escaped.replace(/\u0000/g, '.*')}$`);
}

function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    line = line.replace(/\/+$/, '');
    const anchored = line.startsWith('/') || line.includes('/');
    line = line.replace(/^\/+/, '');
    if (line) rules.push({ regex: globToRegex(line), anchored, negate });
  }
  return rules;
}

export function createIgnore(gitignore: string | null): IgnoreFn {
  const rules = gitignore ? parseGitignore(gitignore) : [];
  return (path) => {
    const parts = path.split('/');
    if (parts.some((p) => ALWAYS.includes(p))) return true;
    if (parts.length > 1 && BUILD_DIRS.includes(parts[0] ?? '')) return true;
    let ignored = false;
    for (const rule of rules) {
      const hit = rule.anchored
        ? parts.some((_, i) => rule.regex.test(parts.slice(0, i + 1).join('/')))
        : parts.some((p) => rule.regex.test(p));
      if (hit) ignored = !rule.negate;
    }
    return ignored;
  };
}
