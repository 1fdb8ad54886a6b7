import type { Page } from 'playwright-core';

/** The reviewer's desk, driven by the default key map only. */
export class ReviewPage {
  constructor(readonly page: Page) {}

  async currentFile(): Promise<string | null> {
    if (await this.page.getByTestId('review-done').isVisible()) return null;
    return (await this.page.getByTestId('review-file').textContent())?.trim() ?? null;
  }

  async waitForItem(): Promise<void> {
    await this.page.locator('[data-testid=review-file], [data-testid=review-done]').first().waitFor();
    await this.page.locator('[data-testid=fields], [data-testid=review-done], .review-facts .empty').first().waitFor();
  }

  /** Waits until the item shown is no longer `file` (the decision moved the desk on). */
  async waitForMoveFrom(file: string): Promise<void> {
    await this.page.waitForFunction(
      (f) => document.querySelector('[data-testid=review-done]') !== null || document.querySelector('[data-testid=review-file]')?.textContent?.trim() !== f,
      file,
    );
    await this.waitForItem();
  }

  focusedField() {
    return this.page.locator('[data-testid=fields] tr.focused');
  }

  async focusedFieldName(): Promise<string | null> {
    return (await this.focusedField().count()) ? this.focusedField().getAttribute('data-field') : null;
  }

  async approve(): Promise<void> {
    await this.page.keyboard.press('Enter');
  }

  /** e, type the new value, Enter: the field shows old and new until the decision. */
  async editFocused(value: string): Promise<void> {
    await this.page.keyboard.press('e');
    await this.page.getByLabel(/^New value for/).waitFor();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.type(value);
    await this.page.keyboard.press('Enter');
  }

  async reject(reasonDigit: number): Promise<void> {
    await this.page.keyboard.press('r');
    await this.page.getByTestId('reject-dialog').waitFor();
    await this.page.keyboard.press(String(reasonDigit));
  }

  async undo(): Promise<void> {
    await this.page.keyboard.press('u');
  }

  notice() {
    return this.page.getByTestId('review-notice');
  }

  async toggleHelp(): Promise<void> {
    await this.page.keyboard.press('?');
  }

  helpKeys() {
    return this.page.getByTestId('help-keys');
  }
}
