import { expect, type APIRequestContext, type Locator, type Page } from '@playwright/test';

/** The agent panel on the project page, and the scripted model behind it. */
export class AgentPage {
  constructor(
    readonly page: Page,
    readonly modelUrl: string,
  ) {}

  get panel(): Locator {
    return this.page.getByTestId('agent-panel');
  }

  get input(): Locator {
    return this.page.getByTestId('agent-input');
  }

  get messages(): Locator {
    return this.page.locator('[data-testid="message"]');
  }

  get assistantMessages(): Locator {
    return this.page.locator('[data-testid="message"][data-role="assistant"]');
  }

  get userMessages(): Locator {
    return this.page.locator('[data-testid="message"][data-role="user"]');
  }

  get cards(): Locator {
    return this.page.getByTestId('tool-card');
  }

  get banner(): Locator {
    return this.page.getByTestId('agent-banner');
  }

  get stopButton(): Locator {
    return this.page.getByTestId('agent-stop');
  }

  get sendButton(): Locator {
    return this.page.getByTestId('agent-send');
  }

  get plan(): Locator {
    return this.page.getByTestId('agent-plan');
  }

  get usage(): Locator {
    return this.page.getByTestId('agent-usage');
  }

  card(tool: string, nth = 0): Locator {
    return this.page.locator(`[data-testid="tool-card"][data-tool="${tool}"]`).nth(nth);
  }

  /** Cards as "tool:status", in order. */
  async cardSummary(): Promise<string[]> {
    return this.cards.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-tool')}:${e.getAttribute('data-status')}`));
  }

  async expectReady(): Promise<void> {
    await expect(this.input).toBeEnabled({ timeout: 30_000 });
  }

  async send(text: string): Promise<void> {
    await this.input.fill(text);
    await this.input.press('Enter');
    await expect(this.userMessages.last()).toContainText(text);
  }

  /** Waits until the agent is idle again (the Send button is back). */
  async expectIdle(timeout = 60_000): Promise<void> {
    await expect(this.stopButton).toHaveCount(0, { timeout });
    await expect(this.sendButton).toBeVisible();
  }

  async expectAnswer(text: string | RegExp, timeout = 60_000): Promise<void> {
    await expect(this.assistantMessages.last()).toContainText(text, { timeout });
  }

  async approve(tool: string, nth = 0): Promise<void> {
    const card = this.card(tool, nth);
    await expect(card).toHaveAttribute('data-status', 'approval');
    await card.getByTestId('tool-approve').click();
  }

  async skip(tool: string, nth = 0): Promise<void> {
    const card = this.card(tool, nth);
    await expect(card).toHaveAttribute('data-status', 'approval');
    await card.getByTestId('tool-skip').click();
  }

  /** Loads a scenario into the scripted model: a file name in e2e/scripted-model/scenarios or an object. */
  async useScenario(request: APIRequestContext, scenario: string | Record<string, unknown>): Promise<void> {
    const res = await request.post(`${this.modelUrl}/__scenario`, { data: typeof scenario === 'string' ? { name: scenario } : { scenario } });
    expect(res.ok(), await res.text()).toBe(true);
  }

  /** What the model was sent, newest last. */
  async modelRequests(request: APIRequestContext): Promise<{ path: string; status: number; body: Record<string, unknown> | null }[]> {
    return (await request.get(`${this.modelUrl}/__requests`)).json();
  }
}
