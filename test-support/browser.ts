// What browser tests share: collecting the errors a page meets, which the user never caused.
import type { Page } from 'playwright-core';

/** Page errors, console errors and failed requests (4xx/5xx) of `page`, appended to `into`. */
export function collectErrors(page: Page, into: string[]): void {
  page.on('pageerror', (e) => into.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    // Failed loads are reported with their URL below; the console line has none.
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) into.push(`console: ${m.text()}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400) into.push(`${r.status()} ${r.request().method()} ${new URL(r.url()).pathname}`);
  });
}

/**
 * Waits for `selector` on `page`; on timeout the error also says what the page met and what it
 * showed the user (its toasts), so a failure in CI explains itself.
 */
export async function waitForOrExplain(page: Page, selector: string, timeout: number, errors: string[]): Promise<void> {
  try {
    await page.locator(selector).waitFor({ timeout });
  } catch (error) {
    const toasts = await page.locator('.toast').allTextContents().catch(() => []);
    throw new Error(`${selector} not shown in ${timeout} ms at ${page.url()}; errors: ${JSON.stringify(errors)}; toasts: ${JSON.stringify(toasts)}`, { cause: error });
  }
}
