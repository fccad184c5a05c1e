import { expect, type Locator, type Page } from '@playwright/test';

/** /a/<token>: the access link's confirmation page. */
export class AccessLinkPage {
  constructor(readonly page: Page) {}

  get switchButton(): Locator {
    return this.page.getByRole('button', { name: 'Switch to this identity' });
  }

  /** What the page says this browser's current identity will lose. */
  get currentIdentity(): Locator {
    return this.page.getByTestId('access-link-current');
  }

  async goto(path: string): Promise<void> {
    await this.page.goto(path);
    await expect(this.switchButton).toBeVisible();
  }

  async switchIdentity(): Promise<void> {
    await this.switchButton.click();
    await expect(this.page).toHaveURL(/\/\?access=restored$/);
  }
}
