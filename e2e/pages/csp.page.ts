import { expect, type Page } from '@playwright/test';

/** Records what the page's content security policy blocked (violation events and console reports). */
export class CspWatcher {
  readonly #console: string[] = [];

  private constructor(readonly page: Page) {
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) this.#console.push(message.text());
    });
  }

  /** Call before the first navigation. */
  static async attach(page: Page): Promise<CspWatcher> {
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener('securitypolicyviolation', (e) => seen.push(`${e.effectiveDirective} blocked ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}`));
    });
    return new CspWatcher(page);
  }

  async expectNoViolations(): Promise<void> {
    const events = await this.page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect([...events, ...this.#console]).toEqual([]);
  }

  /** The policy the page was served with. */
  async policyOf(path: string): Promise<string> {
    const res = await this.page.request.get(path);
    return res.headers()['content-security-policy'] ?? '';
  }
}
