import path from 'node:path';
import { playwright } from '@vitest/browser-playwright';
import { defineConfig } from 'vitest/config';

const alias = [
  { find: /^@\/(.*)$/, replacement: path.resolve(import.meta.dirname, '$1') },
  // The marker package throws outside Next's server build; tests are server code by definition.
  { find: /^server-only$/, replacement: path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js') },
];

export default defineConfig({
  resolve: { alias },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'node',
          environment: 'node',
          include: ['{app,components,server,lib,db,bench}/**/*.test.{ts,tsx}', 'e2e/scripted-model/**/*.test.ts'],
          exclude: ['node_modules', '**/*.browser.test.ts', 'e2e/*.spec.ts', 'e2e/pages/**', 'e2e/fixtures/**', '.next'],
        },
      },
      {
        // The WebContainer half of the sandbox conformance suite, in real Chromium (a WebContainer boots
        // only in a cross-origin-isolated page). It skips, saying why, when stackblitz.com is unreachable.
        extends: true,
        server: { headers: { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'credentialless' } },
        test: {
          name: 'webcontainer',
          include: ['lib/**/*.browser.test.ts'],
          globalSetup: ['lib/sandbox/conformance/stackblitz-probe.ts'],
          testTimeout: 180_000,
          browser: {
            enabled: true,
            headless: true,
            screenshotFailures: false,
            provider: playwright({
              launchOptions: {
                executablePath: '/usr/bin/chromium',
                args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
              },
            }),
            instances: [{ browser: 'chromium' }],
          },
        },
      },
    ],
  },
});
