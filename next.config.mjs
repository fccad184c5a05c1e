// Security headers for every route. The IDE must be cross-origin isolated (COOP + COEP) because
// WebContainers need SharedArrayBuffer; `credentialless` keeps cross-origin previews loadable.
// The content security policy, with a nonce per page, comes from proxy.ts.
/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  typedRoutes: false,
  serverExternalPackages: ['@electric-sql/pglite', 'node-pty', 'ws', 'postgres', 'esbuild', 'playwright-core', 'sharp'],
  // `npm test` type-checks the whole project once (`tsc --noEmit`); the build does not repeat it.
  typescript: { ignoreBuildErrors: true },
  async headers() {
    return [
      {
        source: '/:path*',
        headers: [
          { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
          { key: 'Cross-Origin-Embedder-Policy', value: 'credentialless' },
          { key: 'X-Content-Type-Options', value: 'nosniff' },
          { key: 'Referrer-Policy', value: 'strict-origin-when-cross-origin' },
        ],
      },
    ];
  },
};

export default nextConfig;
