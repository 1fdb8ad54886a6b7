import type { Page } from 'playwright-core';

export class SettingsPage {
  constructor(readonly page: Page) {}

  async setActor(name: string): Promise<void> {
    await this.page.getByLabel('Name recorded with each decision').fill(name);
    await this.page.getByRole('button', { name: 'Save', exact: true }).click();
    await this.page.getByText(`Decisions are now recorded as ${name}.`).waitFor();
  }

  systemInfo() {
    return this.page.getByTestId('system-info');
  }

  keymapRows() {
    return this.page.getByTestId('keymap').locator('tr');
  }
}
