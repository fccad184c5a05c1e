import { expect, type Locator, type Page } from '@playwright/test';

/** The bottom panel's terminals. Commands are typed into xterm; output is read from its rows. */
export class TerminalPage {
  constructor(readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('terminal-panel');
  }

  get active(): Locator {
    return this.page.getByTestId('terminal');
  }

  tab(title: string): Locator {
    return this.panel.getByTestId('terminal-tab').filter({ hasText: title });
  }

  /** Shows a shell (the first one, or a new one) and waits until its prompt is up. */
  async openShell(): Promise<void> {
    const shells = this.panel.locator('[data-testid="terminal-tab"][data-kind="shell"]');
    if ((await shells.count()) === 0) await this.panel.getByRole('button', { name: 'New terminal' }).click();
    await shells.first().click();
    await this.waitReady();
  }

  async waitReady(): Promise<void> {
    await expect(this.active).toHaveAttribute('data-kind', 'shell');
    await expect(this.active).toHaveAttribute('data-ready', 'true', { timeout: 30_000 });
  }

  async run(command: string): Promise<void> {
    await this.waitReady();
    await this.active.click();
    await this.page.keyboard.type(command);
    await this.page.keyboard.press('Enter');
  }

  async expectOutput(text: string | RegExp, timeout = 60_000): Promise<void> {
    await expect(this.active.locator('.xterm-rows')).toContainText(text, { timeout });
  }
}
