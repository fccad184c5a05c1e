// Security headers for every route. The IDE must be cross-origin isolated (COOP + COEP) because
// WebContainers need SharedArrayBuffer; `credentialless` keeps cross-origin previews loadable.
const isDev = process.argv.includes('dev') || process.env.NODE_ENV === 'development';

const contentSecurityPolicy = [
  "default-src 'self'",
  // Next's inline bootstrap scripts need 'unsafe-inline'; dev's React refresh needs 'unsafe-eval'.
  `script-src 'self' 'unsafe-inline'${isDev ? " 'unsafe-eval'" : ''}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: http://*.localhost:*",
  "font-src 'self' data:",
  "worker-src 'self' blob:",
  // Same-origin API and sandbox sockets; WebContainer's runtime and preview hosts.
  "connect-src 'self' ws: wss: http://*.localhost:* https://*.stackblitz.com https://*.webcontainer-api.io wss://*.webcontainer-api.io",
  "frame-src 'self' http://*.localhost:* https://*.stackblitz.com https://*.webcontainer-api.io https://*.webcontainer.io",
  "frame-ancestors 'self'",
  "base-uri 'self'",
  "form-action 'self'",
  "object-src 'none'",
].join('; ');

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  serverExternalPackages: ['@electric-sql/pglite', 'node-pty', 'ws', 'postgres'],
  // `npm test` type-checks the whole project once (`tsc --noEmit`); the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'credentialless' },
          { key: 'Content-Security-Policy', value: contentSecurityPolicy },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
