import { createHash } from 'node:crypto';
import { z } from 'zod';

// What the installed-dependencies cache is keyed by: the dependency fields of a package.json (nothing else
// of it: a fork that renames the project or adds a script still matches), and, when the project has a
// package-lock.json, the packages that lockfile pins (its root entry, which names the project, left out).

/** Larger manifests are not looked up (the cache holds templates, whose manifests are small). */
export const MAX_MANIFEST_BYTES = 256 * 1024;
export const MAX_LOCKFILE_BYTES = 8 * 1024 ** 2;

const specs = z.record(z.string().max(214), z.string().max(1024));
const manifestSchema = z.object({
  dependencies: specs.optional(),
  devDependencies: specs.optional(),
  optionalDependencies: specs.optional(),
  peerDependencies: specs.optional(),
  bundleDependencies: z.union([z.array(z.string()), z.boolean()]).optional(),
  overrides: z.record(z.string(), z.unknown()).optional(),
});
const lockfileSchema = z.object({
  lockfileVersion: z.number().int(),
  packages: z.record(z.string(), z.unknown()),
});

/** JSON with every object's keys sorted, so equal data gives equal text whatever order it was written in. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function parseJson(text: string, max: number): unknown {
  if (Buffer.byteLength(text) > max) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The cache key of a package.json's dependency fields; undefined when it is not a valid manifest. */
export function manifestKey(packageJson: string): string | undefined {
  const parsed = manifestSchema.safeParse(parseJson(packageJson, MAX_MANIFEST_BYTES));
  if (!parsed.success) return undefined;
  return sha256(canonical({ v: 1, ...parsed.data }));
}

/** The digest of what a package-lock.json pins (every package but the project's own entry); undefined when invalid. */
export function lockfileDigest(lockfile: string): string | undefined {
  const parsed = lockfileSchema.safeParse(parseJson(lockfile, MAX_LOCKFILE_BYTES));
  if (!parsed.success) return undefined;
  const { '': _root, ...packages } = parsed.data.packages;
  return sha256(canonical({ v: parsed.data.lockfileVersion, packages }));
}
