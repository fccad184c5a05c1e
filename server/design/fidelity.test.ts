import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWPORTS } from '@/lib/design/protocol';
import { runCli } from '@/server/design/cli';
import { designNames, designsDir } from '@/server/design/fixtures';
import { decodePng } from '@/server/design/image';
import { CHROMIUM_PATH, openCapturer, type Capturer } from '@/server/design/render';
import { scoreImages } from '@/server/design/score';

// The design fixtures (../shared/designs beside the repository): each HTML rendered in Chromium and
// captured through the preview's capture script scores ≥ 95 against the PNG it was rendered to;
// damaged versions score lower; different designs score low against each other.

const DESIGNS = designsDir();
const names = designNames(DESIGNS);
const missing = names.length === 0 ? `no design fixtures in ${DESIGNS}` : !fs.existsSync(CHROMIUM_PATH) ? `no ${CHROMIUM_PATH}` : '';
if (missing) console.warn(`fidelity fixture tests skipped: ${missing}`);

const read = (file: string) => fs.readFileSync(path.join(DESIGNS, file));
const html = (name: string) => read(`${name}.html`).toString('utf8');
/** The page with a style sheet added at the end of <head>: damage applied the same way to any design. */
const withCss = (page: string, css: string) => page.replace(/<\/head>/i, `<style>${css}</style></head>`);

// Damage, defined without looking at any design: colours turned on the colour wheel (greys stay),
// everything moved by 32×24 px, and every glyph made invisible (boxes, borders and images stay).
const DAMAGE = {
  colours: 'html { filter: hue-rotate(180deg) }',
  layout: 'body { translate: 32px 24px }',
  text: '* { color: transparent !important; -webkit-text-fill-color: transparent !important; text-shadow: none !important }',
};

describe.skipIf(!!missing)('visual fidelity on the design fixtures', () => {
  let capturer: Capturer;
  const captures = new Map<string, Buffer>();
  beforeAll(async () => {
    capturer = await openCapturer();
  }, 60_000);
  afterAll(async () => {
    await capturer?.close();
  });

  it.each(names)('%s: captured at 1280×800 and 390×844, scores ≥ 95 against its own PNGs', async (name) => {
    for (const [suffix, viewport] of [['', VIEWPORTS.desktop], ['.mobile', VIEWPORTS.mobile]] as const) {
      const { png } = await capturer.capture(html(name), viewport);
      if (!suffix) captures.set(name, png);
      const result = scoreImages(await decodePng(read(`${name}${suffix}.png`)), await decodePng(png));
      expect(result.details).toMatchObject(viewport);
      expect(result.score, `${name}${suffix}: ${JSON.stringify(result.parts)}`).toBeGreaterThanOrEqual(95);
    }
  }, 120_000);

  it.each(names)('%s: changed colours, shifted layout and removed text score lower, in that order', async (name) => {
    const design = await decodePng(read(`${name}.png`));
    const scores: Record<string, number> = {};
    for (const [damage, css] of Object.entries(DAMAGE)) {
      const { png } = await capturer.capture(withCss(html(name), css), VIEWPORTS.desktop);
      scores[damage] = scoreImages(design, await decodePng(png)).score;
    }
    console.log(`${name} damaged:`, JSON.stringify(scores));
    for (const score of Object.values(scores)) expect(score).toBeLessThan(95);
    // The order of damage: wrong colours are the least, a moved page more, missing text the most.
    expect(scores.colours).toBeGreaterThan(scores.layout!);
    expect(scores.layout).toBeGreaterThan(scores.text!);
  }, 120_000);

  it('different designs score below 60 against each other', async () => {
    for (const a of names) {
      for (const b of names) {
        if (a === b) continue;
        const capture = captures.get(b) ?? read(`${b}.png`);
        const { score } = scoreImages(await decodePng(read(`${a}.png`)), await decodePng(capture));
        expect(score, `${a} vs ${b}`).toBeLessThan(60);
      }
    }
  }, 120_000);

  it('the CLI prints one JSON object for two PNGs and for --html', async () => {
    const [first] = names as [string];
    const direct = await runCli([path.join(DESIGNS, `${first}.png`), path.join(DESIGNS, `${first}.png`)]);
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.out!)).toMatchObject({ score: 100, parts: { structure: 1, pixels: 1, colour: 1 } });
    const rendered = await runCli(['--html', path.join(DESIGNS, `${first}.html`), path.join(DESIGNS, `${first}.mobile.png`)]);
    expect(rendered.code).toBe(0);
    const result = JSON.parse(rendered.out!) as { score: number; details: { width: number; height: number } };
    expect(result.details).toMatchObject(VIEWPORTS.mobile);
    expect(result.score).toBeGreaterThanOrEqual(95);
  }, 60_000);

  it('the CLI refuses bad arguments and unreadable images with an error object', async () => {
    expect(await runCli(['only-one.png'])).toMatchObject({ code: 2 });
    const notPng = await runCli([path.join(DESIGNS, `${names[0]}.html`), path.join(DESIGNS, `${names[0]}.png`)]);
    expect(notPng.code).toBe(1);
    expect(JSON.parse(notPng.err!)).toEqual({ error: 'not a PNG file' });
  });
});
