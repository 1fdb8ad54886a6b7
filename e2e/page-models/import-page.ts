import type { Page } from 'playwright-core';

export class ImportPage {
  constructor(readonly page: Page) {}

  /** Picks files with the file picker (what drag and drop also feeds) and waits for the batch to finish. */
  async importFiles(files: string[], timeoutMs = 300_000): Promise<string> {
    await this.page.getByLabel('Files to import').setInputFiles(files);
    const summary = this.page.getByTestId('import-summary');
    await summary.waitFor({ timeout: timeoutMs });
    return (await summary.textContent()) ?? '';
  }

  resultRows() {
    return this.page.getByRole('table', { name: 'Import results' }).locator('tbody tr');
  }
}
