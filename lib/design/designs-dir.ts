import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// Node only (tests, benches, the /dev/fidelity page, e2e): where the design fixtures are. They live beside the
// repository in ../shared/designs (README there); in a git worktree, beside the main checkout.

/** The fixtures' folder for the repository at `root`. */
export function designsDirFor(root: string): string {
  const beside = path.resolve(root, '../shared/designs');
  if (fs.existsSync(beside)) return beside;
  try {
    const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: root, encoding: 'utf8' }).trim();
    return path.resolve(path.dirname(common), '../shared/designs');
  } catch {
    return beside;
  }
}
