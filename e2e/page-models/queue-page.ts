import type { Page } from 'playwright-core';

export interface QueueRow {
  fileName: string;
  status: string;
}

export class QueuePage {
  constructor(readonly page: Page) {}

  rows() {
    return this.page.getByTestId('queue-rows');
  }

  /** "N of M tasks shown", as the count above the grid says it. */
  async shownCount(): Promise<{ shown: number; total: number }> {
    const text = (await this.page.getByTestId('queue-count').textContent()) ?? '';
    const m = /(\d+) of (\d+) tasks shown/.exec(text);
    return m ? { shown: Number(m[1]), total: Number(m[2]) } : { shown: -1, total: -1 };
  }

  async waitForLoaded(): Promise<void> {
    await this.page.getByTestId('queue-count').filter({ hasText: /tasks shown/ }).waitFor();
  }

  async filterStatus(status: '' | 'open' | 'decided'): Promise<void> {
    await this.page.getByLabel('Status').selectOption(status);
  }

  /** Every row, read by walking the virtualized grid with the keyboard (only visible rows are in the page). */
  async readAllRows(): Promise<Map<string, QueueRow>> {
    const out = new Map<string, QueueRow>();
    const { shown } = await this.shownCount();
    await this.rows().focus();
    await this.page.keyboard.press('Home');
    for (let guard = 0; guard < shown + 2 && out.size < shown; guard += 1) {
      for (const row of await this.rows().locator('[role=row]').all()) {
        const cells = await row.locator('[role=gridcell]').allTextContents();
        out.set(cells[1] ?? '', { fileName: cells[1] ?? '', status: cells[7] ?? '' });
      }
      await this.page.keyboard.press('PageDown');
    }
    return out;
  }

  hubTasks() {
    return this.page.getByTestId('hub-tasks');
  }

  hubTaskRow(taskId: number) {
    return this.hubTasks().locator(`tr[data-hub-task-id="${taskId}"]`);
  }

  /** Opens a hub task by keyboard (focus its Open button, Enter) and returns the detail panel. */
  async openHubTask(taskId: number) {
    await this.hubTaskRow(taskId).getByRole('button', { name: /^Open hub task/ }).focus();
    await this.page.keyboard.press('Enter');
    const detail = this.page.getByTestId('hub-task-detail');
    await detail.waitFor();
    return detail;
  }
}
