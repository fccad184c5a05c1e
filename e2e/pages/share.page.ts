import { expect, type Locator, type Page } from '@playwright/test';

/** Sharing as the owner sees it (the Share dialog) and as a visitor sees it (read-only, Fork). */
export class SharePage {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByTestId('share-dialog');
  }

  async openDialog(): Promise<void> {
    await this.page.getByTestId('share-button').click();
    await expect(this.dialog).toBeVisible();
  }

  /** Turns the read-only link on; returns its path (/s/<slug>). */
  async enableLink(): Promise<string> {
    await this.dialog.getByTestId('share-enable').click();
    return new URL(await this.dialog.getByTestId('share-url').inputValue()).pathname;
  }

  /** Makes an invite link for the role; returns its path (/i/<token>). */
  async createInvite(role: 'editor' | 'viewer'): Promise<string> {
    await this.dialog.getByTestId('invite-role').selectOption(role);
    await this.dialog.getByTestId('invite-create').click();
    return new URL(await this.dialog.getByTestId('invite-url').inputValue()).pathname;
  }

  async closeDialog(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Done' }).click();
    await expect(this.dialog).toBeHidden();
  }

  get readOnlyBadge(): Locator {
    return this.page.getByTestId('read-only-badge');
  }

  get forkedFrom(): Locator {
    return this.page.getByTestId('forked-from');
  }

  /** Forks the project on screen; resolves with the fork's id once its page is open. */
  async fork(): Promise<string> {
    await this.page.getByTestId('fork-button').click();
    await this.page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
    return this.page.url().split('/p/')[1]!;
  }

  /** Opens an invite link and accepts it; resolves on the project's page. */
  async acceptInvite(path: string): Promise<void> {
    await this.page.goto(path);
    await this.page.getByTestId('invite-accept').click();
    await this.page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
  }
}
