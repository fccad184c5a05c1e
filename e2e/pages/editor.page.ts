import { expect, type Locator, type Page } from '@playwright/test';

/** Monaco and its tabs. Edits are typed with the keyboard, as a person would. */
export class EditorPage {
  constructor(readonly page: Page) {}

  get editor(): Locator {
    return this.page.getByTestId('code-editor');
  }

  /** The visible text of the editor (Monaco renders only what is on screen). */
  get text(): Locator {
    return this.editor.locator('.view-lines');
  }

  tab(path: string): Locator {
    return this.page.locator(`[data-testid="editor-tab"][data-path="${path}"]`);
  }

  get tabs(): Locator {
    return this.page.getByTestId('editor-tab');
  }

  get conflictBar(): Locator {
    return this.page.getByTestId('conflict-bar');
  }

  async expectOpen(path: string): Promise<void> {
    await expect(this.tab(path)).toHaveAttribute('aria-selected', 'true');
    await expect(this.editor).toHaveAttribute('data-path', path, { timeout: 30_000 });
  }

  async focus(): Promise<void> {
    await this.editor.locator('.view-lines').click();
  }

  /** Finds `text` with Monaco's find widget, so the match is selected, then types over it. */
  async replace(text: string, replacement: string): Promise<void> {
    await this.findAndSelect(text);
    await this.page.keyboard.insertText(replacement);
    await expect(this.text).toContainText(replacement);
  }

  /** Selects the first match of `text` after the cursor with Monaco's find widget; the editor keeps focus. */
  async findAndSelect(text: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press('ControlOrMeta+F');
    const find = this.editor.getByRole('textbox', { name: 'Find' });
    await expect(find).toBeFocused();
    await find.fill(text);
    await find.press('Enter');
    await find.press('Escape');
  }

  /** Replaces the whole file. */
  async setText(content: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press('ControlOrMeta+A');
    await this.page.keyboard.insertText(content);
  }

  /** Types at the end of the file. */
  async append(text: string): Promise<void> {
    await this.focus();
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.insertText(text);
  }

  async save(): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+S');
  }

  async expectDirty(path: string, dirty: boolean): Promise<void> {
    await expect(this.tab(path)).toHaveAttribute('data-dirty', dirty ? 'true' : 'false');
  }

  async goToLine(line: number): Promise<void> {
    await this.focus();
    await this.page.keyboard.press('Control+G');
    await this.page.keyboard.type(String(line));
    await this.page.keyboard.press('Enter');
  }

  /** Error squiggles the language service drew in the visible text. */
  get errors(): Locator {
    return this.editor.locator('.squiggly-error');
  }

  /** The file's last problem (Shift+F8 from its end, the editor focused): Monaco shows its message under the line. */
  async lastProblem(): Promise<Locator> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('ControlOrMeta+End');
    await this.page.keyboard.press('Shift+F8');
    return this.editor.locator('.marker-widget');
  }

  /** The cursor's line and column, as the status bar shows them. */
  cursor(): Locator {
    return this.page.getByRole('button', { name: /^Ln \d+, Col \d+$/ });
  }
}
