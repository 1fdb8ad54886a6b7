import type { Page } from 'playwright-core';

export class ActivityPage {
  constructor(readonly page: Page) {}

  async filterEvent(event: string): Promise<void> {
    await this.page.getByLabel('Event').fill(event);
    await this.page.getByTestId('audit-count').filter({ hasText: /entries/ }).waitFor();
  }

  async filterActor(actor: string): Promise<void> {
    await this.page.getByLabel('Actor').fill(actor);
    await this.page.waitForFunction((a) => [...document.querySelectorAll('[data-testid=audit-table] tbody tr td:nth-child(3)')].every((td) => td.textContent === a), actor);
  }

  /** The events of the rows on screen (the first page: 200 newest). */
  async events(): Promise<string[]> {
    await this.page.getByTestId('audit-table').waitFor();
    return this.page.locator('[data-testid=audit-table] tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-event') ?? ''));
  }

  async total(): Promise<number> {
    return Number(/of (\d+) entries/.exec((await this.page.getByTestId('audit-count').textContent()) ?? '')?.[1] ?? -1);
  }

  async verifyChain(): Promise<string> {
    await this.page.getByRole('button', { name: 'Verify chain' }).click();
    return (await this.page.getByTestId('verify-result').textContent()) ?? '';
  }
}
