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

  hubSection() {
    return this.page.getByTestId('hub-section');
  }

  /** Fills the hub form by keyboard only: focus the first field, type, Tab on, Enter submits. */
  async connectHubByKeyboard(hubUrl: string, enrollmentCode: string, deviceName: string): Promise<void> {
    const hub = this.hubSection();
    await hub.getByLabel('Hub URL').focus();
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.type(hubUrl);
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.type(enrollmentCode);
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.press('ControlOrMeta+a');
    await this.page.keyboard.type(deviceName);
    await this.page.keyboard.press('Enter');
  }

  /** Settings → Hub: the policy the next document is routed with, and where it came from. */
  activePolicy(): Promise<string | null> {
    return this.hubSection().getByTestId('active-policy').textContent();
  }

  hubError() {
    return this.hubSection().getByRole('alert');
  }

  hubState() {
    return this.hubSection().getByTestId('hub-state');
  }

  async hubOutboxLength(): Promise<number> {
    return Number(await this.hubSection().getByTestId('hub-outbox').textContent());
  }

  async syncNow(): Promise<void> {
    await this.hubSection().getByRole('button', { name: 'Sync now' }).focus();
    await this.page.keyboard.press('Enter');
  }
}
