import type { Page } from 'playwright-core';

/** The Insights screen: key figures, open alerts and the charts, over a chosen window. */
export class InsightsPage {
  constructor(readonly page: Page) {}

  async chooseWindow(label: string): Promise<void> {
    await this.page.getByLabel('Window').selectOption({ label });
    await this.page.getByTestId('insights-model').waitFor();
  }

  async figure(testId: 'insights-model' | 'insights-policy' | 'insights-documents' | 'insights-slowest' | 'insights-alerts'): Promise<string> {
    const el = this.page.getByTestId(testId);
    await el.waitFor();
    return (await el.textContent()) ?? '';
  }

  /** Each chart's accessible label and how many of its pixels are drawn (0 for a blank canvas). */
  async charts(): Promise<{ label: string; drawn: number }[]> {
    await this.page.locator('.chart-grid canvas').first().waitFor();
    return this.page.locator('.chart-grid canvas').evaluateAll((canvases) =>
      (canvases as HTMLCanvasElement[]).map((c) => {
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let drawn = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i]! > 0) drawn += 1;
        return { label: c.getAttribute('aria-label') ?? '', drawn };
      }),
    );
  }
}
