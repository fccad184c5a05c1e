import { expect, type Locator, type Page } from '@playwright/test';
import { EditorPage } from './editor.page';
import { PreviewPage } from './preview.page';
import { TerminalPage } from './terminal.page';

/** The project page (/p/[id]): file tree, side bar views, status bar, boot stages. */
export class WorkbenchPage {
  readonly editor: EditorPage;
  readonly terminal: TerminalPage;
  readonly preview: PreviewPage;

  constructor(readonly page: Page) {
    this.editor = new EditorPage(page);
    this.terminal = new TerminalPage(page);
    this.preview = new PreviewPage(page);
  }

  async goto(projectId: string): Promise<void> {
    await this.page.goto(`/p/${projectId}`);
    await expect(this.fileTree).toBeVisible();
  }

  /** Shows the Explorer in the side bar (another view, such as History, may be showing). */
  async showExplorer(): Promise<void> {
    const button = this.page.getByRole('button', { name: 'Explorer (Ctrl+Shift+E)' });
    if ((await button.getAttribute('aria-pressed')) !== 'true') await button.click();
    await expect(this.fileTree).toBeVisible();
  }

  get fileTree(): Locator {
    return this.page.getByTestId('file-tree');
  }

  /** Says why the host sandbox runs the project instead of a WebContainer. */
  get sandboxNotice(): Locator {
    return this.page.getByTestId('sandbox-notice');
  }

  /**
   * Call before `goto`: remembers, at the first frame that shows the file tree, where its first row is and whether
   * the sandbox notice is there (`firstTreeFrame()` returns it), to check that nothing moves the page afterwards.
   */
  async watchFirstTreeFrame(): Promise<void> {
    await this.page.addInitScript(() => {
      const look = () => {
        const row = document.querySelector('[data-testid="file-tree-item"]');
        if (!row) return void requestAnimationFrame(look);
        const seen = { top: row.getBoundingClientRect().top, notice: document.querySelector('[data-testid="sandbox-notice"]') !== null };
        (window as unknown as { __firstTreeFrame: typeof seen }).__firstTreeFrame = seen;
      };
      requestAnimationFrame(look);
    });
  }

  firstTreeFrame(): Promise<{ top: number; notice: boolean } | undefined> {
    return this.page.evaluate(() => (window as unknown as { __firstTreeFrame?: { top: number; notice: boolean } }).__firstTreeFrame);
  }

  async firstTreeRowTop(): Promise<number> {
    return (await this.page.locator('[data-testid="file-tree-item"]').first().boundingBox())?.y ?? Number.NaN;
  }

  get sandboxStatus(): Locator {
    return this.page.getByTestId('sandbox-status');
  }

  async expectStage(name: 'editor' | 'sandbox' | 'install' | 'dev-server', status: 'done' | 'failed' | 'skipped', timeout = 180_000): Promise<void> {
    await expect(this.bootStage(name)).toHaveAttribute('data-status', status, { timeout });
  }

  get saveStatus(): Locator {
    return this.page.getByTestId('save-status');
  }

  fileItem(path: string): Locator {
    return this.page.locator(`[data-testid="file-tree-item"][data-path="${path}"]`);
  }

  bootStage(name: 'editor' | 'sandbox' | 'install' | 'dev-server'): Locator {
    return this.page.locator(`[data-testid="boot-stage"][data-stage="${name}"]`);
  }

  async expectFiles(paths: string[]): Promise<void> {
    for (const path of paths) {
      await this.revealInTree(path);
      await expect(this.fileItem(path)).toBeVisible();
    }
  }

  async expectNoFile(path: string): Promise<void> {
    await expect(this.fileItem(path)).toHaveCount(0);
  }

  /** Expands the folders above a path in the tree. */
  async revealInTree(path: string): Promise<void> {
    const parts = path.split('/');
    for (let i = 1; i < parts.length; i++) {
      const folder = this.fileItem(parts.slice(0, i).join('/'));
      await expect(folder).toBeVisible();
      if ((await folder.getAttribute('aria-expanded')) !== 'true') await folder.click();
      await expect(folder).toHaveAttribute('aria-expanded', 'true');
    }
  }

  /** Opens a file from the tree, as a user clicks through its folders. */
  async openFile(path: string): Promise<void> {
    await this.revealInTree(path);
    await this.fileItem(path).click();
    await this.editor.expectOpen(path);
  }

  async expectSaved(): Promise<void> {
    await expect(this.saveStatus).toHaveAttribute('data-state', 'saved', { timeout: 15_000 });
  }

  async createFile(path: string): Promise<void> {
    const folder = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '';
    if (folder) {
      await this.revealInTree(`${folder}/x`);
      await this.fileItem(folder).click({ button: 'right' });
      await this.page.getByRole('menuitem', { name: 'New File…' }).click();
    } else {
      await this.page.getByRole('button', { name: 'New file' }).click();
    }
    const input = this.page.getByRole('textbox', { name: 'New file name' });
    await input.fill(path.slice(folder ? folder.length + 1 : 0));
    await input.press('Enter');
    await this.editor.expectOpen(path);
  }

  async rename(path: string, newName: string): Promise<void> {
    await this.revealInTree(path);
    await this.fileItem(path).click();
    await this.fileItem(path).press('F2');
    const input = this.page.getByRole('textbox', { name: /^New name for / });
    await input.fill(newName);
    await input.press('Enter');
  }

  async delete(path: string): Promise<void> {
    await this.revealInTree(path);
    await this.fileItem(path).click({ button: 'right' });
    await this.page.getByRole('menuitem', { name: 'Delete' }).click();
    const dialog = this.page.getByRole('dialog');
    await expect(dialog).toContainText(path);
    await dialog.getByRole('button', { name: 'Delete' }).click();
  }

  /**
   * Drops files onto the tree (onto a folder row, or the empty tree for the root), the way a drag
   * from the desktop does: a DataTransfer holding File objects.
   */
  async dropFiles(files: { name: string; content: string }[], onto?: string): Promise<void> {
    const target = onto ? this.fileItem(onto) : this.fileTree;
    const dataTransfer = await this.page.evaluateHandle((list) => {
      const dt = new DataTransfer();
      for (const f of list) dt.items.add(new File([f.content], f.name, { type: 'text/plain' }));
      return dt;
    }, files);
    await target.dispatchEvent('dragenter', { dataTransfer });
    await target.dispatchEvent('dragover', { dataTransfer });
    await target.dispatchEvent('drop', { dataTransfer });
  }

  async quickOpen(query: string): Promise<void> {
    await this.page.keyboard.press('ControlOrMeta+P');
    const input = this.page.getByRole('combobox', { name: /File name to open/ });
    await expect(input).toBeFocused();
    await input.fill(query);
    await input.press('Enter');
  }

  /** Ctrl/Cmd+Shift+F, type the query, wait for results; returns the result rows. */
  async searchInFiles(query: string): Promise<Locator> {
    await this.page.keyboard.press('ControlOrMeta+Shift+F');
    const input = this.page.getByRole('searchbox', { name: 'Search in files' });
    await expect(input).toBeFocused();
    await input.fill(query);
    const results = this.page.getByTestId('search-result');
    await expect(this.page.getByTestId('search-results')).toContainText(/result|No results/);
    return results;
  }
}
