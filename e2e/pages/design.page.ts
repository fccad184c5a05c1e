import { expect, type Locator, type Page } from '@playwright/test';

/** "New from design" on the landing page and the design loop on the project page. */
export class DesignPage {
  constructor(readonly page: Page) {}

  get dropZone(): Locator {
    return this.page.getByTestId('new-from-design');
  }

  get loop(): Locator {
    return this.page.getByTestId('design-loop');
  }

  get roundScore(): Locator {
    return this.page.getByTestId('design-round-score');
  }

  get note(): Locator {
    return this.page.getByTestId('design-loop-note');
  }

  get compareDialog(): Locator {
    return this.page.getByTestId('design-compare-dialog');
  }

  get compare(): Locator {
    return this.compareDialog.getByTestId('compare-view');
  }

  /** Drops an image file on "New from design" as a person drags it from the desktop; waits for the new project's page. */
  async dropDesign(name: string, bytes: Buffer, mimeType = 'image/png'): Promise<string> {
    const dataTransfer = await this.page.evaluateHandle(
      ({ name, base64, mimeType }) => {
        const transfer = new DataTransfer();
        const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
        transfer.items.add(new File([bytes], name, { type: mimeType }));
        return transfer;
      },
      { name, base64: bytes.toString('base64'), mimeType },
    );
    await this.dropZone.dispatchEvent('dragenter', { dataTransfer });
    await this.dropZone.dispatchEvent('dragover', { dataTransfer });
    await this.dropZone.dispatchEvent('drop', { dataTransfer });
    await this.page.waitForURL(/\/p\/[0-9a-f-]{36}$/, { timeout: 30_000 });
    return this.page.url().split('/p/')[1]!;
  }

  /** The latest round's score as the loop shows it, once there is one. */
  async latestScore(timeout: number): Promise<number> {
    await expect(this.roundScore).toHaveText(/^round \d+ · [\d.]+ \/ 100/, { timeout });
    return Number(/· ([\d.]+) \//.exec((await this.roundScore.textContent()) ?? '')?.[1]);
  }

  async openCompare(): Promise<void> {
    await this.loop.getByRole('button', { name: 'Compare' }).click();
    await expect(this.compare).toBeVisible();
  }

  async closeCompare(): Promise<void> {
    await this.compareDialog.getByRole('button', { name: 'Close' }).click();
    await expect(this.compareDialog).toBeHidden();
  }

  async compareMode(name: 'Side by side' | 'Overlay' | 'Differences'): Promise<void> {
    await this.compare.getByRole('tab', { name }).click();
    await expect(this.compare.getByRole('tab', { name })).toHaveAttribute('aria-selected', 'true');
  }

  get overlaySlider(): Locator {
    return this.compare.getByRole('slider', { name: 'Preview opacity' });
  }
}
