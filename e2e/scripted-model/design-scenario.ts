import type { ScenarioInput } from './scenario';

// The design e2e's scenario (e2e/design.spec.ts), built from a design fixture's HTML: the model
// turns the page into the app's files (its <style> into src/index.css, its <body> into the markup
// App.tsx shows, the "btn" spans given the button role), then, told the round's score, checks that
// the trial button works with preview_act.

export const TRIAL_BUTTON = 'Start 14-day trial';
export const TRIAL_STARTED = 'Trial started';

/** The <style> and <body> of a self-contained HTML page; throws when either is missing. */
export function splitPage(html: string): { css: string; body: string } {
  const css = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1];
  const body = /<body[^>]*>([\s\S]*?)<\/body>/.exec(html)?.[1];
  if (css === undefined || body === undefined) throw new Error('the design page needs a <style> and a <body>');
  return { css, body };
}

function appFiles(html: string): Record<string, string> {
  const { css, body } = splitPage(html);
  if (!body.includes(`>${TRIAL_BUTTON}<`)) throw new Error(`the design has no "${TRIAL_BUTTON}" button`);
  const markup = body.replaceAll('<span class="btn ', '<span role="button" tabindex="0" class="btn ');
  return {
    'src/index.css': css.trim() + '\n',
    'src/design.ts': `export const markup = ${JSON.stringify(markup)};\n`,
    'src/App.tsx': `import { useState, type MouseEvent } from 'react';
import { markup } from './design';

export function App() {
  const [started, setStarted] = useState(false);
  const onClick = (event: MouseEvent) => {
    const button = (event.target as Element).closest('[role="button"]');
    if (button?.textContent?.trim() === ${JSON.stringify(TRIAL_BUTTON)}) setStarted(true);
  };
  const html = started ? markup.replace(${JSON.stringify(`>${TRIAL_BUTTON}<`)}, ${JSON.stringify(`>${TRIAL_STARTED}<`)}) : markup;
  return <div onClick={onClick} dangerouslySetInnerHTML={{ __html: html }} />;
}
`,
  };
}

export function designScenario(html: string): ScenarioInput {
  const files = appFiles(html);
  return {
    name: 'design',
    description: 'New from design: build the page from the design, then check its button once the score comes back.',
    steps: [
      {
        name: 'build the design',
        match: { role: 'user', contains: 'Build the attached design' },
        text: 'Building the page from the design.',
        toolCalls: Object.entries(files).map(([path, content]) => ({ name: 'write_file', arguments: { path, content } })),
      },
      { name: 'built', match: { role: 'tool' }, text: 'The page is built from the design.' },
      {
        name: 'check the button',
        match: { role: 'user', contains: 'Round 1:' },
        text: 'Checking that the trial button works.',
        toolCalls: [
          {
            name: 'preview_act',
            arguments: {
              steps: [
                { do: 'click', target: { role: 'button', name: TRIAL_BUTTON } },
                { do: 'expect_text', text: TRIAL_STARTED },
                { do: 'read_text', target: { role: 'button', name: TRIAL_STARTED } },
              ],
            },
          },
        ],
      },
      { name: 'checked', match: { role: 'tool' }, text: 'The trial button works: it reads "Trial started" after a click.' },
    ],
  };
}
