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

  /** Picks files and returns as soon as they are listed, without waiting for the batch. */
  async pickFiles(files: string[]): Promise<void> {
    await this.page.getByLabel('Files to import').setInputFiles(files);
    await this.page.locator('[aria-label="Import results"] tbody tr').first().waitFor();
  }

  /** Each listed file's state: waiting, processing or done. */
  async rowStates(): Promise<string[]> {
    return this.resultRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state') ?? ''));
  }

  async waitForSummary(timeoutMs = 300_000): Promise<string> {
    const summary = this.page.getByTestId('import-summary');
    await summary.waitFor({ timeout: timeoutMs });
    return (await summary.textContent()) ?? '';
  }

  resultRows() {
    return this.page.getByRole('table', { name: 'Import results' }).locator('tbody tr');
  }
}
