import { expect, type Download, type Locator, type Page } from '@playwright/test';

/** The workbench's History side bar view: checkpoints, their diff, restore, undo, export. */
export class HistoryPage {
  constructor(readonly page: Page) {}

  get panel(): Locator {
    return this.page.getByTestId('history-panel');
  }

  get rows(): Locator {
    return this.page.getByTestId('checkpoint-row');
  }

  get diffPaths(): Locator {
    return this.page.getByTestId('diff-path');
  }

  get diffEditor(): Locator {
    return this.page.getByTestId('history-diff-editor');
  }

  row(kind: 'turn_start' | 'turn_end' | 'manual' | 'restore', nth = 0): Locator {
    return this.page.locator(`[data-testid="checkpoint-row"][data-kind="${kind}"]`).nth(nth);
  }

  async open(): Promise<void> {
    if (!(await this.panel.isVisible())) await this.page.getByRole('button', { name: 'History' }).click();
    await expect(this.panel).toBeVisible();
  }

  /** Ticks a checkpoint for comparison (one: against now; two: with each other). */
  async pick(row: Locator): Promise<void> {
    await row.getByRole('checkbox').check();
  }

  /** Opens one changed file in Monaco's diff editor and waits until it has rendered. */
  async openDiff(path: string): Promise<void> {
    await this.page.locator(`[data-testid="diff-path"][data-path="${path}"]`).click();
    await expect(this.diffEditor).toHaveAttribute('data-ready', 'true');
    await expect(this.diffEditor.locator('.monaco-diff-editor')).toBeVisible();
  }

  async closeDiff(): Promise<void> {
    await this.page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();
    await expect(this.diffEditor).toHaveCount(0);
  }

  async undoLastTurn(): Promise<void> {
    await this.panel.getByTestId('history-undo-turn').click();
  }

  async exportZip(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.panel.getByTestId('export-zip').click();
    return download;
  }
}
