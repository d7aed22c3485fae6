import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { run } from '../support/processes';
import { findWebviewFrame, runCommand } from './support/browser';
import { RESULTS as results, useVsCode } from './support/session';

/**
 * The packaged extension inside real VS Code (code-server), driven through Chromium like a
 * person would: open a workspace, answer workspace trust, run "Shopfloor: Open Panel",
 * and see the webview finish its ready handshake with the host.
 */

async function sampleWorkspace(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'shopfloor-ws-'));
  writeFileSync(join(dir, 'index.js'), 'module.exports = function parse(args) { return args; };\n');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'sample', version: '1.0.0', scripts: { test: 'node index.js' } }, null, 2));
  await run('git', ['init', '-q'], { cwd: dir });
  await run('git', ['add', '-A'], { cwd: dir });
  await run('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: dir });
  return dir;
}

describe('e2e: Shopfloor in VS Code (code-server + Chromium)', function () {
  const vs = useVsCode();
  let page: Page;

  it('opens the panel in a trusted workspace and completes the ready handshake', async () => {
    const folder = await sampleWorkspace();
    page = await vs.open(folder, true, { width: 1400, height: 900 });
    await runCommand(page, 'Shopfloor: Open Panel');

    const frame = await findWebviewFrame(page, 'body[data-ready="true"]', 60_000);
    const connection = (await frame.textContent('[data-testid="connection"]')) ?? '';
    assert.match(connection, /Connected to host/);
    const body = (await frame.textContent('body')) ?? '';
    assert.match(body, new RegExp(`Workspace: ${folder.split('/').pop()}`));
    assert.doesNotMatch(body, /restricted mode/);
    await page.screenshot({ path: join(results, 'e2e-panel.png') });

    // The host's own log says the handshake completed and how long activation took.
    let logs = '';
    for (let i = 0; i < 40 && !/webview ready handshake complete/.test(logs); i++) {
      await page.waitForTimeout(250);
      logs = vs.server.extensionLogs();
    }
    assert.match(logs, /webview ready handshake complete/);
    const activated = /activated in ([\d.]+) ms/.exec(logs);
    assert.ok(activated, 'the activation line is in the Shopfloor log');
    writeFileSync(join(results, 'activation.txt'), `Shopfloor activate(): ${activated[1]} ms (own timing)\n`);
  });

  it("reports the extension host's own activation time in Running Extensions", async () => {
    await runCommand(page, 'Developer: Show Running Extensions');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Shopfloor' }).first();
    await row.waitFor({ timeout: 30_000 });
    const text = (await row.textContent()) ?? '';
    const m = /(\d+)\s*ms/.exec(text);
    assert.ok(m, `no activation time in the Running Extensions row: ${text}`);
    writeFileSync(join(results, 'activation.txt'), `Running Extensions (extension host timing): ${m[0]}\n`, { flag: 'a' });
    await page.screenshot({ path: join(results, 'e2e-running-extensions.png') });
  });

  it('shows restricted mode in an untrusted workspace', async () => {
    const folder = await sampleWorkspace();
    const p = await vs.open(folder, false, { width: 1400, height: 900 });
    await runCommand(p, 'Shopfloor: Open Panel');
    const frame = await findWebviewFrame(p, 'body[data-ready="true"]', 60_000);
    assert.match((await frame.textContent('body')) ?? '', /restricted mode: nothing from this workspace runs/);
    await p.screenshot({ path: join(results, 'e2e-panel-restricted.png') });
  });
});
