import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { answerTrust, findWebviewFrame, launchBrowser, runCommand, waitForWorkbench } from './browser';
import { repoRoot, startCodeServer, type CodeServer } from './code-server';

/** Where e2e screenshots and measurements go. */
export const RESULTS = join(repoRoot, 'test-results');

/** One code-server with the packaged extension and one browser, for the tests of a describe block. */
export interface VsCodeSession {
  readonly server: CodeServer;
  /** Opens `folder` in a new page, answers workspace trust, and waits for the workbench. */
  open(folder: string, trust: boolean, viewport?: { width: number; height: number }): Promise<Page>;
  /** The page a failing test is screenshotted from (the last opened). */
  page?: Page;
}

/**
 * Registers mocha hooks that start code-server with dist/shopfloor.vsix and Chromium
 * before the block, stop them after it, and screenshot the page of any failing test into
 * test-results/. Call at describe level.
 */
export function useVsCode(): VsCodeSession {
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const session: VsCodeSession = {
    get server() {
      if (!server) throw new Error('code-server is not started');
      return server;
    },
    async open(folder, trust, viewport = { width: 1400, height: 1000 }) {
      const page = await browser!.newPage({ viewport });
      session.page = page;
      await page.goto(session.server.urlFor(folder));
      await waitForWorkbench(page);
      await answerTrust(page, trust);
      return page;
    },
  };
  before(async () => {
    mkdirSync(RESULTS, { recursive: true });
    server = await startCodeServer(join(repoRoot, 'dist', 'shopfloor.vsix'));
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && session.page) {
      await session.page.screenshot({ path: join(RESULTS, `failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`) }).catch(() => undefined);
    }
  });
  return session;
}

/** Runs "Shopfloor: Open Task Packet", picks `fileName` in the quick pick, and returns the panel frame with the form. */
export async function openPacketInPanel(page: Page, fileName: string): Promise<Frame> {
  await runCommand(page, 'Shopfloor: Open Task Packet');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: fileName }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
  return findWebviewFrame(page, '[data-testid="packet-form"]', 60_000);
}

/**
 * Answers the agent pick that Start Run shows for agent stations left to the default:
 * waits for it, reads its rows (label and description), clicks the row whose label is
 * `label`, and returns the rows.
 */
export async function chooseAgent(page: Page, label: string): Promise<string[]> {
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.filter({ hasText: label }).first().waitFor({ timeout: 30_000 });
  const texts = (await rows.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim());
  await rows.filter({ hasText: label }).first().click();
  return texts;
}

/** The themes every view is screenshotted in: VS Code's own defaults, with the class each gives a webview's body. */
export const THEMES = [
  { name: 'light', theme: 'Default Light Modern', workbench: 'vs', webview: 'vscode-light' },
  { name: 'high-contrast', theme: 'Default High Contrast', workbench: 'hc-black', webview: 'vscode-high-contrast' },
  { name: 'dark', theme: 'Default Dark Modern', workbench: 'vs-dark', webview: 'vscode-dark' },
] as const;

/**
 * Screenshots the page in each of THEMES as `<base>-<theme>.png` under RESULTS, switching
 * the theme through the workspace's .vscode/settings.json (VS Code applies a changed
 * `workbench.colorTheme` at once) and waiting until the workbench and the panel's webview
 * (`frame`, when a webview is in the shot; a native view has none) both carry the theme's class. Leaves the dark theme set. I/O: rewrites
 * `<repo>/.vscode/settings.json`, keeping its other keys.
 */
export async function screenshotInThemes(page: Page, frame: Frame | undefined, repo: string, base: string): Promise<string[]> {
  const file = join(repo, '.vscode', 'settings.json');
  const shots: string[] = [];
  for (const t of THEMES) {
    const settings = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    mkdirSync(join(repo, '.vscode'), { recursive: true });
    writeFileSync(file, JSON.stringify({ ...settings, 'workbench.colorTheme': t.theme }, null, 2));
    await page.waitForFunction((cls) => document.querySelector('.monaco-workbench')?.classList.contains(cls) === true, t.workbench, { timeout: 30_000 });
    if (frame) await frame.waitForFunction((cls) => document.body.classList.contains(cls), t.webview, { timeout: 30_000 });
    const path = join(RESULTS, `${base}-${t.name}.png`);
    await page.screenshot({ path });
    shots.push(path);
  }
  return shots;
}

/** Runs "Review Evidence Bundle" and picks `runId` (typed into the quick pick, which can be re-laid out while it opens; tried twice), then finds the panel showing it. */
export async function review(page: Page, runId: string): Promise<Frame> {
  for (let attempt = 1; ; attempt++) {
    await runCommand(page, 'Shopfloor: Review Evidence Bundle');
    try {
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Browse for a run folder' }).first().waitFor({ state: 'attached', timeout: 15_000 });
      await input.fill(runId);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: runId }).first().waitFor({ state: 'attached', timeout: 15_000 });
      await page.keyboard.press('Enter');
      break;
    } catch (e) {
      await page.keyboard.press('Escape');
      if (attempt >= 2) throw e;
    }
  }
  const frame = await findWebviewFrame(page, `[data-testid="evidence"]`, 60_000);
  await frame.waitForFunction((id) => (document.querySelector('[data-testid="evidence"] h2')?.textContent ?? '').includes(id), runId, { timeout: 30_000 });
  return frame;
}
