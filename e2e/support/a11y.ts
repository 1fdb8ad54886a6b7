import type { Page } from 'playwright-core';

/** Controls on the page that have no accessible name (no label, aria-label, aria-labelledby or text). */
export function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('button, input, select, textarea, a[href], [tabindex="0"]')]
      .filter((el) => {
        if ((el as HTMLInputElement).type === 'hidden') return false;
        const labelled = (el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.textContent?.trim() || el.getAttribute('title');
        return !labelled;
      })
      .map((el) => el.outerHTML.slice(0, 120)),
  );
}
