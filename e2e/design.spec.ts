import fs from 'node:fs';
import path from 'node:path';
import { PNG } from 'pngjs';
import { expect, test } from './fixtures';
import { trpc } from './fixtures/api';
import { designsDir } from './fixtures/designs';
import { AgentPage } from './pages/agent.page';
import { DesignPage } from './pages/design.page';
import { WorkbenchPage } from './pages/workbench.page';
import { modelUrl } from './playwright.config';
import { designScenario, TRIAL_BUTTON, TRIAL_STARTED } from './scripted-model/design-scenario';

// Design to prototype in Chromium on the host sandbox, with the scripted model as the only stand-in:
// a design PNG dropped on "New from design" becomes a project whose agent builds the page; the IDE
// captures the preview through the preview's capture script, scores it against the design, shows the
// score and sends the capture back to the model, which then checks a button with preview_act.

const DESIGN = 'pricing';
const dir = designsDir();
const missing = ['html', 'png'].map((ext) => path.join(dir, `${DESIGN}.${ext}`)).find((file) => !fs.existsSync(file));
if (missing) console.warn(`design e2e skipped: no ${missing} (the design fixtures live in ../shared/designs)`);

const dataUrlPixels = (url: string) => PNG.sync.read(Buffer.from(url.slice(url.indexOf(',') + 1), 'base64'));

/** Every data:image URL anywhere in a model request's body (chat image_url or responses input_image parts). */
function imagesIn(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('data:image/') ? [value] : [];
  if (Array.isArray(value)) return value.flatMap(imagesIn);
  if (value && typeof value === 'object') return Object.values(value).flatMap(imagesIn);
  return [];
}

interface DesignState {
  design: { width: number; height: number };
  latest: { round: number; capture: string; score: number } | null;
}

test('New from design: dropped PNG → the agent builds it → capture scored ≥ 90 → capture in the next request → preview_act check', async ({ page }) => {
  test.skip(!!missing, `no design fixture ${missing}`);
  test.setTimeout(480_000);
  const agent = new AgentPage(page, modelUrl);
  const design = new DesignPage(page);
  const wb = new WorkbenchPage(page);
  await agent.useScenario(page.request, designScenario(fs.readFileSync(path.join(dir, `${DESIGN}.html`), 'utf8')));

  await page.goto('/');
  const projectId = await design.dropDesign(`${DESIGN}.png`, fs.readFileSync(path.join(dir, `${DESIGN}.png`)));
  await expect(wb.sandboxStatus).toHaveAttribute('data-kind', 'host', { timeout: 60_000 });
  await expect(design.loop).toBeVisible();

  // The agent starts on its own with the design and the design-to-code prompt, and builds the page.
  await expect(agent.userMessages.first()).toContainText('Build the attached design');
  await agent.expectAnswer('The page is built from the design.', 240_000);

  // The preview is captured at the design's size and scored; the score shows in the loop.
  const score = await design.latestScore(240_000);
  expect(score).toBeGreaterThanOrEqual(90);
  const state = await trpc<DesignState>(page.request, 'design.state', { projectId }, 'query');
  expect(state.latest).toMatchObject({ round: 1 });
  expect(state.latest!.score).toBeCloseTo(score, 1);
  expect(state.design).toMatchObject({ width: 1280, height: 800 });

  // The compare view: score parts, side by side, the overlay with its slider, the differences.
  await design.openCompare();
  await expect(design.compare.getByTestId('fidelity-score')).toContainText(score.toFixed(1));
  for (const part of ['structure', 'pixels', 'colour', 'layout']) await expect(design.compare.getByTestId(`fidelity-part-${part}`)).toContainText('%');
  await design.compareDialog.screenshot({ path: test.info().outputPath('design-compare-side.png') });
  await design.compareMode('Overlay');
  await design.overlaySlider.fill('70');
  await expect(design.compare.getByAltText('Preview capture')).toHaveCSS('opacity', '0.7');
  await design.compare.screenshot({ path: test.info().outputPath('design-compare-overlay.png') });
  await design.compareMode('Differences');
  await expect(design.compare.getByAltText('Differences')).toBeVisible();
  await design.compare.screenshot({ path: test.info().outputPath('design-compare-diff.png') });
  await design.closeCompare();

  // The model then checks the button with preview_act; its result card shows each step.
  await agent.expectAnswer('The trial button works', 120_000);
  await agent.expectIdle();
  const check = agent.card('preview_act');
  await expect(check).toHaveAttribute('data-status', 'done');
  await expect(check.getByTestId('check-result')).toHaveAttribute('data-passed', 'true');
  await expect(check.getByTestId('check-step')).toHaveCount(3);
  await expect(check.getByTestId('check-step').nth(0)).toContainText(TRIAL_BUTTON);
  await expect(check.getByTestId('check-step').nth(2)).toContainText(TRIAL_STARTED);
  await check.getByTestId('check-result').scrollIntoViewIfNeeded();
  await agent.panel.screenshot({ path: test.info().outputPath('design-check-card.png') });

  // The model's requests: the first carries the design; the one right after the round carries its capture.
  const requests = (await agent.modelRequests(page.request)).filter((r) => r.path.startsWith('/v1/') && r.body);
  const roundAt = requests.findIndex((r) => JSON.stringify(r.body).includes('Round 1:'));
  expect(roundAt, 'a request tells the model the round').toBeGreaterThan(0);
  const designPixels = PNG.sync.read(fs.readFileSync(path.join(dir, `${DESIGN}.png`)));
  const firstImages = imagesIn(requests[0]!.body).map(dataUrlPixels);
  expect(firstImages.some((img) => img.width === designPixels.width && img.data.equals(designPixels.data)), 'the design in the first request').toBe(true);
  const capture = dataUrlPixels(state.latest!.capture);
  const sameAsCapture = (url: string) => {
    const img = dataUrlPixels(url);
    return img.width === capture.width && img.height === capture.height && img.data.equals(capture.data);
  };
  // The host sandbox's capture is a screenshot by Chromium, as the design was: it may equal the design to the
  // pixel, so the capture is counted against the images that match it in the first request (the design, then).
  const matches = (r: { body: unknown }) => imagesIn(r.body).filter(sameAsCapture).length;
  const inFirst = matches(requests[0]!);
  expect(requests.slice(0, roundAt).every((r) => matches(r) === inFirst), 'no earlier request has the capture').toBe(true);
  expect(matches(requests[roundAt]!), 'the capture in the request after the round').toBe(inFirst + 1);
  // The loop stopped at the target and said so; nothing after the check asked the model again.
  await expect(design.note).toContainText('The target score is reached');
  expect(requests).toHaveLength(roundAt + 2);
});
