// Loaded with `node --import` before the custom server. Next's own bundles resolve the `server-only`
// marker to an empty module (react-server condition); plain Node must do the same, or every
// server module the custom server imports would throw.
import { register } from 'node:module';

const empty = new URL('../../node_modules/server-only/empty.js', import.meta.url).href;

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return { url: ${JSON.stringify(empty)}, shortCircuit: true };
  return next(specifier, context);
}`),
  import.meta.url,
);
