import { expect, type FrameLocator, type Locator, type Page } from '@playwright/test';

/** The preview pane: the app's frame, its URL bar and the Problems list. */
export class PreviewPage {
  constructor(readonly page: Page) {}

  get frameElement(): Locator {
    return this.page.getByTestId('preview-frame');
  }

  get frame(): FrameLocator {
    return this.page.frameLocator('[data-testid="preview-frame"]');
  }

  get address(): Locator {
    return this.page.getByRole('textbox', { name: 'Preview address' });
  }

  async expectToShow(text: string | RegExp, timeout = 60_000): Promise<void> {
    await expect(this.frame.locator('body')).toContainText(text, { timeout });
  }

  async reload(): Promise<void> {
    await this.page.getByRole('button', { name: 'Reload preview' }).click();
  }

  async navigate(path: string): Promise<void> {
    await this.address.fill(path);
    await this.address.press('Enter');
  }

  get problems(): Locator {
    return this.page.getByTestId('problem-item');
  }

  async showProblems(): Promise<void> {
    await this.page.getByRole('tab', { name: /Problems/ }).click();
  }
}
