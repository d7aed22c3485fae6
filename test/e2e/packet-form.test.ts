import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { run } from '../support/processes';
import { openPacketInPanel, RESULTS as results, screenshotInThemes, useVsCode } from './support/session';

/**
 * The task packet form in the real panel: inline errors point at the bad field, an
 * invalid edit is not written, a valid one is, and "Approve packet" records who approved
 * and the content hash in the file.
 */

const packet = {
  schemaVersion: 1,
  id: 'minimist-proto',
  intent: 'Parsing must never write through constructor/prototype chains.',
  source: { kind: 'advisory', text: "Security advisory: minimist's argument parser lets an attacker pollute prototypes." },
  scope: { paths: [{ path: 'index.js', origin: { source: 'seed', line: 1 } }], services: [] },
  nonGoals: ['No refactoring outside the parser.'],
  reproduction: [{ argv: ['node', '-e', "require('./')(['--_.constructor.constructor.prototype.polluted','yes']); process.exit((function(){}).polluted === 'yes' ? 1 : 0)"] }],
  allowedTools: ['Read', 'Edit'],
  validation: [{ argv: ['npm', 'test'] }],
  noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
  evidenceRequired: ['reproduction-before-after', 'diff', 'validation'],
  outputFormat: 'pr',
  risk: 'one-reviewer',
  riskReasons: [],
  flags: [],
};

async function workspaceWithPacket(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'shopfloor-ws-'));
  mkdirSync(join(dir, '.shopfloor', 'packets'), { recursive: true });
  writeFileSync(join(dir, 'index.js'), 'module.exports = function parse(args) { return args; };\n');
  writeFileSync(join(dir, '.shopfloor', 'packets', 'minimist-proto.json'), JSON.stringify(packet, null, 2));
  await run('git', ['init', '-q'], { cwd: dir });
  await run('git', ['config', 'user.name', 'Rita Reviewer'], { cwd: dir });
  await run('git', ['config', 'user.email', 'rita@example.com'], { cwd: dir });
  await run('git', ['add', '-A'], { cwd: dir });
  await run('git', ['commit', '-qm', 'init'], { cwd: dir });
  return dir;
}

async function fillField(frame: Frame, key: string, text: string): Promise<void> {
  await frame.fill(`[data-field="${key}"]`, text);
}

describe('e2e: task packet form in the panel', function () {
  const vs = useVsCode();
  let page: Page;
  let folder: string;
  let frame: Frame;

  before(async () => {
    folder = await workspaceWithPacket();
    page = await vs.open(folder, true);
    frame = await openPacketInPanel(page, 'minimist-proto.json');
  });

  it('shows the packet with its seed and no approval', async () => {
    assert.equal(await frame.inputValue('[data-field="intent"]'), packet.intent);
    assert.equal(await frame.inputValue('[data-field="scope"]'), 'index.js');
    assert.match((await frame.textContent('[data-testid="approval"]')) ?? '', /Not approved/);
    await screenshotInThemes(page, frame, folder, 'e2e-packet-form');
  });

  it('marks an empty intent and an unparseable command inline and writes nothing', async () => {
    const file = join(folder, '.shopfloor', 'packets', 'minimist-proto.json');
    const before = readFileSync(file, 'utf8');
    await fillField(frame, 'reproduction', 'node -e oops');
    await frame.click('[data-testid="save"]');
    await frame.waitForSelector('[data-testid="error-reproduction"]');
    assert.match((await frame.textContent('[data-testid="error-reproduction"]')) ?? '', /reproduction\[0\]: line 1 is not a JSON array/);

    await fillField(frame, 'reproduction', '["node","-e","process.exit(1)"]');
    await fillField(frame, 'intent', '');
    await frame.click('[data-testid="save"]');
    await frame.waitForSelector('[data-testid="error-intent"]');
    assert.match((await frame.textContent('[data-testid="error-intent"]')) ?? '', /intent: intent must say what the job is for/);
    assert.equal(readFileSync(file, 'utf8'), before, 'an invalid packet is not written');
    await page.screenshot({ path: join(results, 'e2e-packet-form-errors.png') });
  });

  it('saves a valid edit, keeps the origins of unchanged fields, and approves it with the content hash', async () => {
    const file = join(folder, '.shopfloor', 'packets', 'minimist-proto.json');
    await fillField(frame, 'intent', 'Parsing must never write through constructor or prototype chains.');
    await fillField(frame, 'reproduction', JSON.stringify(packet.reproduction[0]!.argv));
    await frame.click('[data-testid="save"]');
    await frame.waitForFunction(() => document.querySelector('[data-testid="message"]')?.textContent === 'Packet saved.');
    const saved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(saved.intent, 'Parsing must never write through constructor or prototype chains.');
    assert.deepEqual(saved.scope.paths[0].origin, { source: 'seed', line: 1 });

    await frame.click('[data-testid="approve"]');
    await frame.waitForFunction(() => /Approved by/.test(document.querySelector('[data-testid="approval"]')?.textContent ?? ''));
    assert.match((await frame.textContent('[data-testid="approval"]')) ?? '', /Approved by Rita Reviewer <rita@example.com>/);
    const approved = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(approved.approval.by, 'Rita Reviewer <rita@example.com>');
    assert.match(approved.approval.contentHash, /^[0-9a-f]{64}$/);
    await page.screenshot({ path: join(results, 'e2e-packet-approved.png') });
  });
});
