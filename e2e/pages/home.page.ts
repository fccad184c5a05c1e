import { expect, type Locator, type Page } from '@playwright/test';

export class HomePage {
  constructor(readonly page: Page) {}

  get projectItems(): Locator {
    return this.page.getByTestId('project-list-item');
  }

  async goto(): Promise<void> {
    await this.page.goto('/');
    await expect(this.page.getByRole('heading', { name: 'New project' })).toBeVisible();
  }

  /** Creates a project from a template ("vite-react-ts", "static", "node-vitest", "empty") and waits for its page. */
  async createProject(template: string): Promise<string> {
    await this.page.locator(`[data-testid="new-project-template"][data-template="${template}"]`).click();
    await this.page.waitForURL(/\/p\/[0-9a-f-]{36}$/);
    return this.page.url().split('/p/')[1]!;
  }

  /** Creates an access link for this identity; returns its path (/a/<token>). */
  async createAccessLink(): Promise<string> {
    await this.page.getByRole('button', { name: 'Create access link' }).click();
    return new URL(await this.page.getByTestId('access-link-url').inputValue()).pathname;
  }

  get importError(): Locator {
    return this.page.getByTestId('import-error');
  }

  /** Uploads a zip through the import control; a good one opens the new project's page. */
  async importZip(name: string, zip: Buffer): Promise<void> {
    await this.page.getByTestId('import-zip-input').setInputFiles({ name, mimeType: 'application/zip', buffer: zip });
  }

  projectItem(projectId: string): Locator {
    return this.page.locator(`[data-testid="project-list-item"][data-project-id="${projectId}"]`);
  }
}
