import { chromium, type Browser, type Frame, type Page } from 'playwright-core';

/** Debian's Chromium, which the project installs (playwright's own browser download is not used). */
export const CHROMIUM = process.env.SHOPFLOOR_CHROMIUM ?? '/usr/bin/chromium';

/** Launches headless Chromium with the flags this machine's closed network needs (environment.md). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * Waits until the workbench has rendered and Shopfloor's contributions are registered
 * (its activity bar entry exists), so its commands are in the palette.
 */
export async function waitForWorkbench(page: Page): Promise<void> {
  await page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
  await page.locator('.activitybar .action-item a[aria-label^="Shopfloor"], .activitybar .action-label[aria-label^="Shopfloor"]').first().waitFor({ timeout: 90_000 });
}

/** Answers the workspace-trust dialog, if it shows, with trust (true) or restricted mode (false). */
export async function answerTrust(page: Page, trust: boolean): Promise<void> {
  const label = trust ? /Yes, I trust the authors/ : /No, I don't trust the authors/;
  const button = page.getByRole('button', { name: label });
  await button.waitFor({ timeout: 30_000 });
  await button.click();
}

/**
 * Runs a command from the command palette by its title, e.g. "Shopfloor: Open Panel".
 * On a loaded machine the palette can open before the extension host has registered
 * every command, so it reopens the palette a few times before giving up.
 */
export async function runCommand(page: Page, title: string, attempts = 4): Promise<void> {
  const input = page.locator('.quick-input-widget input');
  const row = page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
  for (let i = 1; ; i++) {
    await page.keyboard.press('Control+Shift+P');
    await input.waitFor({ state: 'visible', timeout: 15_000 });
    await input.fill(`>${title}`);
    try {
      await row.waitFor({ timeout: 10_000 });
      await page.keyboard.press('Enter');
      return;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (i >= attempts) throw new Error(`command "${title}" is not in the command palette after ${attempts} tries: ${(e as Error).message}`);
      await page.waitForTimeout(1000);
    }
  }
}

/** Finds the frame of a webview whose document matches `selector`, polling until `timeoutMs`. */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if (await frame.$(selector)) return frame;
      } catch {
        // frames detach while the webview loads; keep polling
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error(`no webview frame matched ${selector} within ${timeoutMs} ms`);
}
