import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS, CHROMIUM_PATH } from '../lib/chromium';

// E2E runs a production build on its own port and data folder, with the host sandbox forced
// (WebContainers cannot boot offline). Chromium is Debian's: `npx playwright install` cannot work here.
const port = Number(process.env.E2E_PORT ?? 3100);
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.data', 'e2e');
const isCI = !!process.env.CI;
/** The scripted OpenAI-compatible model (e2e/scripted-model); specs pick a scenario with POST /__scenario. */
export const modelPort = Number(process.env.E2E_MODEL_PORT ?? 4010);
export const modelUrl = `http://127.0.0.1:${modelPort}`;


export default defineConfig({
  testDir: '.',
  testMatch: '**/*.spec.ts',
  outputDir: path.join(root, 'test-results'),
  fullyParallel: false,
  workers: 1,
  forbidOnly: isCI,
  retries: isCI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: isCI ? [['list']] : [['list']],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? CHROMIUM_PATH, args: CHROMIUM_FLAGS },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: [
    {
      command: `node --import tsx e2e/scripted-model/main.ts --port ${modelPort} --models scripted-model,scripted-model-b`,
      cwd: root,
      url: `${modelUrl}/v1/models`,
      reuseExistingServer: !isCI,
      timeout: 30_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: `rm -rf "${dataDir}" && npm run build && npm start`,
      cwd: root,
      url: `http://localhost:${port}/api/health`,
      reuseExistingServer: !isCI,
      timeout: 600_000,
      stdout: 'pipe',
      stderr: 'pipe',
      env: {
        PORT: String(port),
        DATA_DIR: dataDir,
        SANDBOX_FORCE_HOST: '1',
        NEXT_TELEMETRY_DISABLED: '1',
        OPENAI_BASE_URL: `${modelUrl}/v1`,
        OPENAI_MODELS: 'scripted-model,scripted-model-b',
        OPENAI_API_KEY: '',
      },
    },
  ],
});
