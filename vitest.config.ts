import path from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      { find: /^@\/(.*)$/, replacement: path.resolve(import.meta.dirname, '$1') },
      // The marker package throws outside Next's server build; tests are server code by definition.
      { find: /^server-only$/, replacement: path.resolve(import.meta.dirname, 'node_modules/server-only/empty.js') },
    ],
  },
  test: {
    environment: 'node',
    include: ['{app,components,server,lib,db,bench}/**/*.test.{ts,tsx}', 'e2e/scripted-model/**/*.test.ts'],
    exclude: ['node_modules', 'e2e/*.spec.ts', 'e2e/pages/**', 'e2e/fixtures/**', '.next'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
