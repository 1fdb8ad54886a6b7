/** The Chromium that prints reports: $COUNTERSIGN_CHROMIUM, else the system one. */
export const REPORT_CHROMIUM = process.env.COUNTERSIGN_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Prints the report's HTML to PDF with headless Chromium (playwright-core's `page.pdf`): the same
 * engine that draws the app, so what an auditor prints is what the page shows. No network, no scripts.
 */
export async function htmlToPdf(html: string, outFile: string, chromiumPath = REPORT_CHROMIUM): Promise<void> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] }).catch((err: Error) => {
    throw new Error(`Cannot start Chromium at ${chromiumPath} to print the PDF (${err.message.split('\n')[0]}); set COUNTERSIGN_CHROMIUM or use --format jsonl|csv`);
  });
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    await page.pdf({
      path: outFile,
      format: 'A4',
      margin: { top: '14mm', bottom: '14mm', left: '12mm', right: '12mm' },
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: '<div style="font-size:7pt;width:100%;text-align:center">Countersign audit report · page <span class="pageNumber"></span> of <span class="totalPages"></span></div>',
    });
  } finally {
    await browser.close();
  }
}
