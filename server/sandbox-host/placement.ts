import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { visibleHostPaths } from '@/server/sandbox-host/bwrap';

// Where DATA_DIR and SANDBOX_DIR may lie, checked once at start. DATA_DIR (database, session secret) must
// be out of every sandbox's sight: not under a host folder bound into sandboxes (a deployment in /usr/local
// or /opt/node… would expose it) nor under SANDBOX_DIR. SANDBOX_DIR must be reachable by sandbox uids
// (every folder above it lets others pass) and so cannot lie inside the owner-only DATA_DIR.

/** The real path of p as far as it exists, the rest appended: a symlink cannot hide where it lies. */
function realPath(p: string): string {
  let head = path.resolve(p);
  const tail: string[] = [];
  while (!fs.existsSync(head)) {
    tail.unshift(path.basename(head));
    head = path.dirname(head);
  }
  return path.join(fs.realpathSync(head), ...tail);
}

const isInside = (child: string, parent: string) => child === parent || child.startsWith(parent === '/' ? '/' : `${parent}/`);

export function placementProblems(options: { dataDir: string; sandboxDir: string; visible?: string[] }): string[] {
  const data = realPath(options.dataDir);
  const sandboxes = realPath(options.sandboxDir);
  const problems: string[] = [];
  for (const seen of [...(options.visible ?? visibleHostPaths()), sandboxes]) {
    if (isInside(data, realPath(seen))) {
      problems.push(`DATA_DIR (${data}) lies inside ${seen}, which host sandboxes can read. Set DATA_DIR to a folder outside it.`);
    }
  }
  if (isInside(sandboxes, data)) {
    problems.push(`SANDBOX_DIR (${sandboxes}) lies inside DATA_DIR (${data}), which only the server may enter. Set SANDBOX_DIR outside it.`);
  }
  for (let dir = path.dirname(sandboxes); ; dir = path.dirname(dir)) {
    const mode = fs.existsSync(dir) ? fs.statSync(dir).mode : undefined;
    if (mode !== undefined && (mode & 0o001) === 0) {
      problems.push(
        `${dir} (mode ${(mode & 0o777).toString(8)}) does not let sandbox users pass, so SANDBOX_DIR (${sandboxes}) cannot lie under it. ` +
          'Set SANDBOX_DIR to a folder whose parents all allow others to pass (o+x), e.g. /var/lib/cloud-ide.',
      );
    }
    if (dir === path.dirname(dir)) break;
  }
  return problems;
}
