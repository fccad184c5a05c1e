// Loaded with `node --import` before the custom server. Next's own bundles resolve the `server-only`
// marker to an empty module (react-server condition); plain Node must do the same, or every
// server module the custom server imports would throw.
import { register } from 'node:module';

register(
  'data:text/javascript,' +
    encodeURIComponent(`
export async function resolve(specifier, context, next) {
  if (specifier === 'server-only') return next('server-only/empty.js', context);
  return next(specifier, context);
}`),
  import.meta.url,
);
