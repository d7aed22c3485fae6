import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { findWebviewFrame, runCommand } from './support/browser';
import { BROWNFIELD } from '../support/brownfield';
import { RESULTS, useVsCode } from './support/session';

/**
 * "Shopfloor: Draft Task Packet" as a person uses it: type (paste) the advisory, accept the
 * guessed seed kind, and get a packet file plus the form in the panel; a vague seed is
 * flagged missing-context with a banner instead of an invented task.
 */

async function draftTyped(page: Page, seed: string): Promise<void> {
  await runCommand(page, 'Shopfloor: Draft Task Packet');
  const rows = page.locator('.quick-input-list .monaco-list-row');
  await rows.filter({ hasText: 'Type or paste a seed' }).first().click();
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(seed);
  await page.keyboard.press('Enter');
  // The seed kind: the guess comes first.
  await rows.filter({ hasText: 'guessed from the text' }).first().waitFor({ timeout: 15_000 });
  await page.keyboard.press('Enter');
}

function packetsIn(repo: string): Array<Record<string, unknown>> {
  const dir = join(repo, '.shopfloor', 'packets');
  return existsSync(dir) ? readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8'))) : [];
}

describe('e2e: drafting a task packet from a typed seed', function () {
  const vs = useVsCode();
  let page: Page;
  let repo: string;
  const cases = JSON.parse(readFileSync(join(BROWNFIELD, 'cases.json'), 'utf8'));

  before(async () => {
    repo = join(mkdtempSync(join(tmpdir(), 'shopfloor-draft-')), 'minimist');
    execFileSync('bash', [join(BROWNFIELD, 'materialize.sh'), 'minimist', '1.2.5', repo], { stdio: 'pipe' });
    page = await vs.open(repo, true);
  });

  it('drafts the advisory into a packet whose scope names index.js and whose reproduction is the proof-of-concept', async () => {
    await draftTyped(page, cases.cases[0].seed);
    const frame = await findWebviewFrame(page, '[data-testid="packet-form"]', 60_000);
    assert.match(await frame.inputValue('[data-field="scope"]'), /^index\.js/);
    assert.match(await frame.inputValue('[data-field="reproduction"]'), /"node","-e"/);
    await page.screenshot({ path: join(RESULTS, 'e2e-draft-advisory.png') });
    const [packet] = packetsIn(repo);
    assert.equal((packet!.source as { kind: string }).kind, 'advisory');
    assert.deepEqual(packet!.flags, []);
  });

  it('a seed in plain prose that quotes no call: no reproduction is invented, and the form says the agent will write one', async () => {
    const seed = 'The argument parser lets a crafted option name walk up through constructor and prototype properties and set a value on the prototype that every function in the process shares. Parsing options must never write through those properties.';
    const before = packetsIn(repo).length;
    await draftTyped(page, seed);
    const frame = await findWebviewFrame(page, '[data-testid="no-reproduction"]', 60_000);
    assert.match((await frame.textContent('[data-testid="no-reproduction"]')) ?? '', /No reproduction yet: Shopfloor will ask the agent to write one at the reproduce station/);
    assert.equal(await frame.inputValue('[data-field="reproduction"]'), '');
    const drafted = packetsIn(repo).slice(before).concat(packetsIn(repo)).find((p) => (p.source as { text: string }).text === seed)!;
    assert.ok((drafted.flags as string[]).includes('no-reproduction'), JSON.stringify(drafted.flags));
    assert.deepEqual(drafted.reproduction, []);
  });

  it('flags a vague seed missing-context and says so in the panel', async () => {
    await draftTyped(page, cases.vague_seeds[0]);
    const frame = await findWebviewFrame(page, '[data-testid="missing-context"]', 60_000);
    assert.match((await frame.textContent('[data-testid="missing-context"]')) ?? '', /Missing context/);
    assert.ok(packetsIn(repo).some((p) => (p.flags as string[]).includes('missing-context')));
  });
});
