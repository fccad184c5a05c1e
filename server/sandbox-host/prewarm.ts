// `npm run sandbox:prewarm`: fills <SANDBOX_DIR>/npm-cache with every template's dependencies, so host
// sandboxes install templates from cache (offline, in seconds), and <SANDBOX_DIR>/deps-cache with each
// template's installed node_modules, which a new sandbox of a matching project starts with. Safe to run
// again; run it after changing a template's package.json.
import { env, sandboxDir } from '@/lib/env';
import { defaultConfig } from '@/server/sandbox-host/config';
import { prewarmNpmCache } from '@/server/sandbox-host/npm-cache';
import { templates } from '@/server/templates';

const packages: Record<string, string> = {};
for (const template of templates) {
  const packageJson = template.files['package.json'];
  if (packageJson) packages[template.id] = packageJson;
}
const { npmCache: cacheDir, depsCache } = defaultConfig(sandboxDir);
const started = Date.now();
const result = await prewarmNpmCache({ cacheDir, packages, depsCache, registry: env.SANDBOX_NPM_REGISTRY, log: (line) => console.log(line) });
console.log(
  `npm cache ${cacheDir}: ${result.packages.join(', ')} — ${(result.bytes / 1024 ** 2).toFixed(1)} MB; installed dependencies ${depsCache}: ${(result.depsBytes / 1024 ** 2).toFixed(1)} MB; ${((Date.now() - started) / 1000).toFixed(1)} s`,
);
