import type { Page } from 'playwright-core';

export class DocumentPage {
  constructor(readonly page: Page) {}

  async waitForPages(): Promise<void> {
    await this.page.locator('.pages [data-testid=page-view] img').first().waitFor();
  }

  async showTextOverlay(): Promise<void> {
    await this.page.getByLabel('Text overlay').check();
  }

  async zoomIn(): Promise<void> {
    await this.page.getByRole('button', { name: 'Zoom in' }).click();
  }
}
