import { expect, type Locator, type Page } from '@playwright/test';

/** The parts of /p/[id] every version of the project page keeps: its file tree. */
export class ProjectPage {
  constructor(readonly page: Page) {}

  async goto(projectId: string): Promise<void> {
    await this.page.goto(`/p/${projectId}`);
  }

  fileItem(path: string): Locator {
    return this.page.locator(`[data-testid="file-tree-item"][data-path="${path}"]`);
  }

  async expectFiles(paths: string[]): Promise<void> {
    for (const path of paths) await expect(this.fileItem(path)).toBeVisible();
  }

  crossOriginIsolated(): Promise<boolean> {
    return this.page.evaluate(() => window.crossOriginIsolated);
  }
}
