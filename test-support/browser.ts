// What browser tests share: the web app built for them, and collecting the errors a page meets,
// which the user never caused.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { repoRoot } from './platform.js';

/**
 * Builds the web app into a folder of the calling suite's own: browser suites run at once, and
 * a build into the shared web/dist empties it under another suite's gateway (its pages 404).
 */
export function buildWeb(id: string): { dir: string; remove: () => void } {
  const dir = join(tmpdir(), `livecommerce-web-${id}`);
  execFileSync('npx', ['vite', 'build', '--logLevel', 'warn', '--outDir', dir, '--emptyOutDir'], { cwd: join(repoRoot, 'web'), stdio: 'inherit' });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Debian's Chromium as every browser suite runs it: no sandbox (CI runs as root) and no
 * background traffic (the machine has no internet), plus `extraArgs` (a fake camera, say).
 */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-background-networking', ...extraArgs] });
}

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
