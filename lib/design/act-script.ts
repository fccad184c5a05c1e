import { computeAccessibleName, getRole } from 'dom-accessibility-api';
import { pressKey, setFieldValue } from '@/lib/design/act-keys';
import type { ActStep, ActStepResult, ActTarget } from '@/lib/design/protocol';

// Runs inside a preview page, in the capture script's bundle (capture-script.ts answers the
// messages): acts on the page as a user would and reads what it shows, for the preview_act tool.
// Roles and accessible names come from dom-accessibility-api (the implementation testing-library
// uses); everything read is capped, and the IDE treats all of it as untrusted.

const MAX_READ = 4000;
const MAX_PROBLEMS = 50;
/** How long a step waits for its element or condition to appear. */
const WAIT_MS = 3000;

export const problems = { consoleErrors: [] as string[], failedRequests: [] as string[] };
const note = (list: string[], line: string) => void (list.length < MAX_PROBLEMS && list.push(line.slice(0, 1000)));

/** Records console errors, uncaught errors and failed requests from now on. */
export function watchPage(): void {
  const error = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    note(problems.consoleErrors, args.map((a) => (a instanceof Error ? a.message : String(a))).join(' '));
    error(...args);
  };
  window.addEventListener('error', (e) => {
    const el = e.target;
    if (el instanceof HTMLElement && el !== document.documentElement) {
      note(problems.failedRequests, `${el.tagName.toLowerCase()} ${(el as HTMLImageElement).src || (el as HTMLLinkElement).href || ''} failed to load`);
    } else note(problems.consoleErrors, `Uncaught ${e.message}`);
  }, true);
  window.addEventListener('unhandledrejection', (e) => note(problems.consoleErrors, `Unhandled rejection: ${String((e.reason as Error)?.message ?? e.reason)}`));
  const fetch = window.fetch.bind(window);
  window.fetch = async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    try {
      const res = await fetch(input, init);
      if (res.status >= 400) note(problems.failedRequests, `${init?.method ?? 'GET'} ${url} → ${res.status}`);
      return res;
    } catch (err) {
      note(problems.failedRequests, `${init?.method ?? 'GET'} ${url} → ${(err as Error).message}`);
      throw err;
    }
  };
}

const visible = (el: Element) => el.getClientRects().length > 0;
const norm = (s: string) => s.replace(/\s+/g, ' ').trim().toLowerCase();

/** Elements matching every given part of the target, visible ones only, in document order. */
function findAll(target: ActTarget): Element[] {
  let found = [...document.querySelectorAll(target.selector ?? '*')].filter(visible);
  if (target.role) found = found.filter((el) => getRole(el) === target.role);
  if (target.name) found = found.filter((el) => norm(computeAccessibleName(el)).includes(norm(target.name!)));
  if (target.text) {
    const wanted = norm(target.text);
    const has = (el: Element) => norm((el as HTMLElement).innerText ?? el.textContent ?? '').includes(wanted);
    // The innermost elements that hold the text, not every ancestor.
    found = found.filter((el) => has(el) && ![...el.children].some((child) => visible(child) && has(child)));
  }
  return found;
}

const describe = (t: ActTarget) => Object.entries(t).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` returns something other than undefined, or the wait runs out. */
async function waitFor<T>(check: () => T | undefined): Promise<T | undefined> {
  const until = Date.now() + WAIT_MS;
  for (;;) {
    const value = check();
    if (value !== undefined || Date.now() > until) return value;
    await pause(50);
  }
}

async function element(target: ActTarget): Promise<HTMLElement> {
  const el = await waitFor(() => findAll(target)[0] as HTMLElement | undefined);
  if (!el) throw new Error(`No visible element matches ${describe(target)}.`);
  return el;
}

const readText = (el: Element) => ((el as HTMLElement).innerText ?? el.textContent ?? '').slice(0, MAX_READ);

async function runStep(step: ActStep): Promise<ActStepResult> {
  switch (step.do) {
    case 'click': {
      const el = await element(step.target);
      el.focus();
      el.click();
      return { ok: true, detail: `clicked ${describe(step.target)}` };
    }
    case 'type': {
      const el = await element(step.target);
      el.focus();
      if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) setFieldValue(el, step.text);
      else if (el.isContentEditable) el.textContent = step.text;
      else return { ok: false, detail: `${describe(step.target)} is not a text field` };
      return { ok: true, detail: `typed ${step.text.length} characters into ${describe(step.target)}` };
    }
    case 'press': {
      const el = step.target ? await element(step.target) : ((document.activeElement as HTMLElement | null) ?? document.body);
      if (step.target) el.focus();
      return { ok: true, detail: pressKey(el, step.key) };
    }
    case 'read_text':
      return { ok: true, detail: readText(step.target ? await element(step.target) : document.body) };
    case 'read_dom':
      return { ok: true, detail: (await element(step.target)).outerHTML.slice(0, MAX_READ) };
    case 'expect_text': {
      const scope = () => (step.target ? findAll(step.target)[0] : document.body);
      const seen = await waitFor(() => {
        const el = scope();
        return el && norm(readText(el)).includes(norm(step.text)) ? true : undefined;
      });
      return seen ? { ok: true, detail: `found "${step.text}"` } : { ok: false, detail: `"${step.text}" is not shown${step.target ? ` in ${describe(step.target)}` : ''}` };
    }
    case 'expect_count': {
      const matched = await waitFor(() => (findAll(step.target).length === step.count ? true : undefined));
      const count = findAll(step.target).length;
      return matched ? { ok: true, detail: `${count} × ${describe(step.target)}` } : { ok: false, detail: `expected ${step.count} × ${describe(step.target)}, found ${count}` };
    }
  }
}

/** Runs the steps in order; stops at the first that fails (later steps would act on the wrong page). */
export async function runSteps(steps: ActStep[]): Promise<ActStepResult[]> {
  const results: ActStepResult[] = [];
  for (const step of steps) {
    let result: ActStepResult;
    try {
      result = await runStep(step);
    } catch (error) {
      result = { ok: false, detail: (error instanceof Error ? error.message : String(error)).slice(0, 1000) };
    }
    results.push({ ok: result.ok, detail: result.detail.slice(0, 8000) });
    if (!result.ok) break;
  }
  return results;
}
