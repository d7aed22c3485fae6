import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { registryVerdictSync } from '../../../src/app/registry-sync';
import { BlueprintRegistry } from '../../../src/adapters/registry/blueprint-registry';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { listRuns } from '../../../src/adapters/store/run-list';
import { registryReviewChoices } from '../../../src/core/registry/review-choices';
import { installVscodeStub } from '../../support/vscode-stub';
import { tempRepo } from '../git/temp-repo';
import { approved } from '../support/approved';
import { runCli } from '../store/cli';
import { bareRegistry, scopedShopfloorHome, scratch } from './support';

installVscodeStub();
/* eslint-disable @typescript-eslint/no-require-imports */
const { PanelState } = require('../../../src/host/panel/panel-state') as typeof import('../../../src/host/panel/panel-state');
const { reviewRequests } = require('../../../src/host/review/review-requests') as typeof import('../../../src/host/review/review-requests');
const { loadReview } = require('../../../src/host/review/review-loader') as typeof import('../../../src/host/review/review-loader');
/* eslint-enable @typescript-eslint/no-require-imports */

const COMMENT = "Please don't ship: index.js still says 'fixed' with the token sk-live-123abc";
const REVIEWER = 'Rita Reviewer <rita@example.com>';

/**
 * Verdicts sync with the run's outcome, against a real bare registry: a real run (local
 * environment) syncs its outcome; a verdict recorded the panel's way (the review/verdict
 * request handler, review/verdict.json) is synced by the panel's hook and shows in
 * `registry stats`; a changed verdict is picked up by `shopfloor registry sync` alone (no
 * --verdict) and the latest counts. No comment, name, e-mail or path reaches the registry.
 */
describe('registry: review verdicts from the panel sync to the registry', function () {
  this.timeout(240_000);
  scopedShopfloorHome();

  it('verdict.json written -> synced -> stats shows it; request changes is judged, not accepted', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const t = tempRepo();
    const packet = {
      schemaVersion: 1, id: 'v', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'x' },
      scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [], reproduction: [{ argv: ['node', 'repro.js'] }],
      allowedTools: [], validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }],
      evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
    };
    fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(approved(packet)));
    const run = runCli(['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--unattended', '--json', '--no-setup', '--environment', 'local', '--agent-command', `node ${t.fixScript}`, '--registry', bare]);
    assert.equal(run.code, 0, run.stderr);
    const { runId } = JSON.parse(run.stdout) as { runId: string };
    const stats = () => {
      const s = runCli(['registry', 'stats', '--registry', bare, '--json']);
      assert.equal(s.code, 0, s.stderr);
      const v = JSON.parse(s.stdout).versions.find((x: { name: string }) => x.name === 'bugfix');
      return { runs: v.runs as number, prReady: v.terminal.PR_READY as number, k: v.reviewerAcceptance.k as number, n: v.reviewerAcceptance.n as number };
    };
    assert.deepEqual(stats(), { runs: 1, prReady: 1, k: 0, n: 0 }, 'the outcome is there, no verdict yet');

    // The panel's way: the review/verdict request records review/verdict.json, then hands it to the sync hook (a clone of its own, as the editor has).
    const warnings: string[] = [];
    const pending: Promise<void>[] = [];
    const sync = registryVerdictSync({ location: { url: bare, embedded: false, stateDir: join(root, 'editor-state') }, logger: { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m: string) => void warnings.push(m), error: (m: string | Error) => void warnings.push(String(m)) } });
    const state = new PanelState();
    let now = new Date('2026-12-04T10:00:00Z');
    const requests = reviewRequests({ state, repo: () => t.repo, who: async () => REVIEWER, openDiff: async () => ({ opened: false }), openReview: async () => undefined, syncVerdict: (repo, id) => (pending.push(sync(runFolder(repo, id))), pending.at(-1)!), now: () => now });
    state.setReview(loadReview(t.repo, runId, 'review'));
    const r1 = await requests.recordVerdict({ runId, verdict: 'request-changes', comment: COMMENT, sectionComments: { diff: COMMENT } });
    assert.equal(r1.recorded, true, r1.message);
    assert.ok(fs.existsSync(join(t.repo, '.shopfloor', 'runs', runId, 'review', 'verdict.json')));
    await Promise.all(pending);
    assert.deepEqual(warnings, []);
    assert.deepEqual(stats(), { runs: 1, prReady: 1, k: 0, n: 1 }, 'request changes: judged, not accepted');

    // The reviewer changes their mind; only the run folder changes, and `registry sync` (no --verdict) picks it up.
    now = new Date('2026-12-04T11:00:00Z');
    const unsynced = reviewRequests({ state, repo: () => t.repo, who: async () => REVIEWER, openDiff: async () => ({ opened: false }), openReview: async () => undefined, now: () => now });
    assert.equal((await unsynced.recordVerdict({ runId, verdict: 'accept', comment: COMMENT, sectionComments: {} })).recorded, true);
    const s = runCli(['registry', 'sync', '--registry', bare, '--repo', t.repo, '--json']);
    assert.equal(s.code, 0, s.stderr);
    const synced = JSON.parse(s.stdout) as { delivered: number; alreadyThere: number; verdicts: number };
    assert.deepEqual([synced.verdicts, synced.delivered, synced.alreadyThere], [1, 1, 1], 'the new verdict delivered; the outcome already there');
    assert.deepEqual(stats(), { runs: 1, prReady: 1, k: 1, n: 1 }, 'the latest verdict (accept) counts');
    const again = JSON.parse(runCli(['registry', 'sync', '--registry', bare, '--repo', t.repo, '--json']).stdout) as { delivered: number; alreadyThere: number };
    assert.deepEqual([again.delivered, again.alreadyThere], [0, 2], 'a second sync delivers nothing new');

    // What the registry holds of the verdicts: the verdict, when, a hash; no comment, name, e-mail or path.
    const check = join(root, 'check');
    execFileSync('git', ['clone', '--quiet', bare, check]);
    const dir = join(check, 'verdicts', 'bugfix', '1.0.0');
    const files = fs.readdirSync(dir);
    assert.equal(files.length, 2);
    for (const f of files) {
      const text = fs.readFileSync(join(dir, f), 'utf8');
      for (const bad of ['Please', 'sk-live', 'index.js', 'Rita', 'rita@', t.repo, 'verdict.json']) assert.ok(!text.includes(bad), `${f} holds ${bad}`);
      assert.match(text, /"verdict": ?"(changes-requested|accepted)"/);
    }

    // "Review Evidence from the Registry…" reads the same registry: the run is there with its latest verdict, and its bundle is in this workspace.
    const snapshot = await (await BlueprintRegistry.open({ url: bare, embedded: false, stateDir: join(root, 'review-state') })).pull();
    const choices = registryReviewChoices(snapshot.outcomes, snapshot.verdicts, new Set(listRuns(t.repo).map((r) => r.id)));
    assert.deepEqual(choices.map((c) => [c.runId, c.blueprint, c.terminal, c.verdict, c.here]), [[runId, 'bugfix@1.0.0', 'PR_READY', 'accepted', true]]);
    assert.deepEqual(registryReviewChoices(snapshot.outcomes, snapshot.verdicts, new Set()).map((c) => c.here), [false], 'another workspace has the outcome, not the bundle');
  });
});
