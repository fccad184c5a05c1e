import { describe, expect, it } from 'vitest';
import { lockfileDigest, manifestKey, MAX_MANIFEST_BYTES } from '@/server/sandbox-host/deps-key';

const pkg = (fields: Record<string, unknown>) => JSON.stringify(fields);

describe('installed-dependencies cache keys', () => {
  it('a manifest is keyed by its dependency fields only, in any key order', () => {
    const key = manifestKey(pkg({ name: 'a', scripts: { dev: 'vite' }, dependencies: { react: '^19', vite: '^8' } }));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(manifestKey(pkg({ dependencies: { vite: '^8', react: '^19' }, name: 'b', version: '2.0.0' }))).toBe(key);
    expect(manifestKey(pkg({ name: 'a', dependencies: { react: '^19', vite: '^8.1' } }))).not.toBe(key);
    expect(manifestKey(pkg({ name: 'a', dependencies: { react: '^19' }, devDependencies: { vite: '^8' } }))).not.toBe(key);
    expect(manifestKey(pkg({ name: 'a', dependencies: { react: '^19', vite: '^8' }, overrides: { vite: '8.0.0' } }))).not.toBe(key);
  });

  it('refuses what is not a manifest, or too large to be a template', () => {
    expect(manifestKey('not json')).toBeUndefined();
    expect(manifestKey(pkg({ dependencies: { react: 19 } }))).toBeUndefined();
    expect(manifestKey(pkg({ dependencies: { react: '^19' }, description: 'x'.repeat(MAX_MANIFEST_BYTES) }))).toBeUndefined();
  });

  it("a lockfile is digested by the packages it pins, not the project's own entry", () => {
    const packages = { 'node_modules/react': { version: '19.2.0', integrity: 'sha512-x' } };
    const digest = lockfileDigest(pkg({ name: 'a', lockfileVersion: 3, packages: { '': { name: 'a' }, ...packages } }));
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(lockfileDigest(pkg({ name: 'b', lockfileVersion: 3, packages: { '': { name: 'b', version: '1.0.0' }, ...packages } }))).toBe(digest);
    expect(lockfileDigest(pkg({ name: 'a', lockfileVersion: 3, packages: { '': {}, 'node_modules/react': { version: '19.2.1', integrity: 'sha512-x' } } }))).not.toBe(digest);
    expect(lockfileDigest(pkg({ name: 'a', packages: {} }))).toBeUndefined();
  });
});
