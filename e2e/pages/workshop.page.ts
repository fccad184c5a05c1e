import { expect, type Locator, type Page } from '@playwright/test';

/** "Start a workshop" on the project page (the teacher's): settings → join code and links. */
export class StartWorkshopPage {
  constructor(readonly page: Page) {}

  get dialog(): Locator {
    return this.page.getByTestId('start-workshop-dialog');
  }

  /** Starts a workshop from the open project; returns its join code. */
  async start(title: string, settings: { network?: 'off' | 'allowlist' | 'full'; dailyTokens?: number } = {}): Promise<string> {
    await this.page.getByTestId('start-workshop').click();
    await this.dialog.getByTestId('workshop-title').fill(title);
    if (settings.network) await this.dialog.getByTestId('workshop-network').selectOption(settings.network);
    if (settings.dailyTokens) await this.dialog.getByTestId('workshop-tokens').fill(String(settings.dailyTokens));
    await this.dialog.getByTestId('workshop-create').click();
    const code = this.dialog.getByTestId('workshop-code');
    await expect(code).toHaveText(/^[A-HJKMNP-Z2-9]{6}$/);
    await expect(this.dialog.getByTestId('workshop-qr')).toBeVisible();
    return (await code.textContent())!;
  }

  async openDashboard(): Promise<void> {
    await this.dialog.getByTestId('workshop-dashboard-link').click();
    await expect(this.page.getByTestId('workshop-dashboard')).toBeVisible();
  }
}

/** /w/<code>: a student joins with a name and lands in their own project. */
export class JoinWorkshopPage {
  constructor(readonly page: Page) {}

  async join(code: string, name: string): Promise<string> {
    await this.page.goto(`/w/${code}`);
    await this.page.getByTestId('join-name').fill(name);
    await this.page.getByTestId('join-submit').click();
    await this.page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
    return this.page.url().split('/p/')[1]!;
  }
}

/** /workshops/<id>: the teacher's live dashboard. */
export class WorkshopDashboardPage {
  constructor(readonly page: Page) {}

  row(name: string): Locator {
    return this.page.locator(`[data-testid="student-row"][data-name="${name}"]`);
  }

  get rows(): Locator {
    return this.page.getByTestId('student-row');
  }

  async announce(text: string): Promise<void> {
    await this.page.getByTestId('announce-text').fill(text);
    await this.page.getByTestId('announce-submit').click();
    await expect(this.page.getByTestId('announce-text')).toHaveValue('');
  }

  async pushStarter(): Promise<Locator> {
    await this.page.getByTestId('push-starter').click();
    const result = this.page.getByTestId('push-result');
    await expect(result).toBeVisible();
    return result;
  }

  async end(): Promise<void> {
    await this.page.getByTestId('end-workshop').click();
    await this.page.getByRole('dialog').getByRole('button', { name: 'End the workshop' }).click();
    await expect(this.page.getByTestId('dashboard-ended')).toBeVisible();
  }

  async exportCsv(): Promise<string> {
    const download = this.page.waitForEvent('download');
    await this.page.getByTestId('export-csv').click();
    const file = await (await download).path();
    const { readFile } = await import('node:fs/promises');
    return readFile(file, 'utf8');
  }
}
