import { expect, type Locator, type Page } from '@playwright/test';

/** The agent panel's memory parts: context meter, compaction notices, memory panel, chats list. */
export class MemoryPage {
  constructor(readonly page: Page) {}

  get meter(): Locator {
    return this.page.getByTestId('agent-context-meter');
  }

  get compactions(): Locator {
    return this.page.getByTestId('agent-compaction');
  }

  get panel(): Locator {
    return this.page.getByTestId('agent-memory-panel');
  }

  get summary(): Locator {
    return this.page.getByTestId('agent-memory-summary');
  }

  get plan(): Locator {
    return this.page.getByTestId('agent-memory-plan');
  }

  get decisions(): Locator {
    return this.page.getByTestId('agent-memory-decisions');
  }

  get notes(): Locator {
    return this.page.getByTestId('agent-memory-notes');
  }

  get chats(): Locator {
    return this.page.getByTestId('agent-chat-item');
  }

  get activeChat(): Locator {
    return this.page.locator('[data-testid="agent-chat-item"][data-active="true"]');
  }

  async pickModel(model: string): Promise<void> {
    await this.page.getByTestId('agent-model').selectOption(model);
  }

  /** The meter's numbers: tokens of the last prompt and the model's window. */
  async meterValues(): Promise<{ used: number; window: number }> {
    return { used: Number(await this.meter.getAttribute('data-used')), window: Number(await this.meter.getAttribute('data-window')) };
  }

  async openMemory(): Promise<void> {
    const toggle = this.page.getByTestId('agent-memory-toggle');
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await expect(this.panel).toBeVisible();
  }

  async saveNotes(text: string): Promise<void> {
    await this.notes.fill(text);
    await this.page.getByTestId('agent-memory-notes-save').click();
    await expect(this.page.getByTestId('agent-memory-notes-save')).toBeDisabled();
  }

  async openChats(): Promise<void> {
    const toggle = this.page.getByTestId('agent-chats-toggle');
    if ((await toggle.getAttribute('aria-pressed')) !== 'true') await toggle.click();
    await expect(this.page.getByTestId('agent-chat-list')).toBeVisible();
  }

  async createChat(): Promise<void> {
    const before = await this.chats.count();
    await this.page.getByTestId('agent-chat-create').click();
    await expect(this.chats).toHaveCount(before + 1);
  }

  chat(title: string): Locator {
    return this.chats.filter({ has: this.page.getByTestId('agent-chat-open').filter({ hasText: title }) });
  }

  async renameActiveChat(title: string): Promise<void> {
    await this.activeChat.getByTestId('agent-chat-rename').click();
    await this.page.getByTestId('agent-chat-title-input').fill(title);
    await this.page.getByTestId('agent-chat-title-save').click();
    await expect(this.activeChat.getByTestId('agent-chat-open')).toHaveText(title);
  }

  async switchTo(title: string): Promise<void> {
    await this.chat(title).getByTestId('agent-chat-open').click();
    await expect(this.chat(title)).toHaveAttribute('data-active', 'true');
  }
}
