import type { Page } from 'playwright-core';

/** The shell around every screen: the navigation bar. */
export class AppPage {
  constructor(readonly page: Page) {}

  async open(url: string): Promise<void> {
    await this.page.goto(url);
    await this.page.getByRole('navigation', { name: 'Screens' }).waitFor();
  }

  async goTo(screen: 'Queue' | 'Review' | 'Import' | 'Activity' | 'Insights' | 'Settings'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen, exact: true }).click();
    await this.page.getByRole('heading', { level: 1, name: new RegExp(`^${screen}`) }).waitFor();
  }
}
