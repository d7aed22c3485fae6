import { strict as assert } from 'node:assert';
import { installVscodeStub } from '../../../support/vscode-stub';
import { aFinishedRunFolder } from '../../../support/run-folder-fixture';
import type { OpenGateView } from '../../../../src/contracts';
import type { RunView } from '../../../../src/host/panel/panel-state';

installVscodeStub();
/* eslint-disable @typescript-eslint/no-require-imports */
const { PanelState } = require('../../../../src/host/panel/panel-state') as typeof import('../../../../src/host/panel/panel-state');
const { reviewRequests } = require('../../../../src/host/review/review-requests') as typeof import('../../../../src/host/review/review-requests');
const { loadReview } = require('../../../../src/host/review/review-loader') as typeof import('../../../../src/host/review/review-loader');
const { openRunDiff } = require('../../../../src/host/review/run-diff') as typeof import('../../../../src/host/review/run-diff');
/* eslint-enable @typescript-eslint/no-require-imports */

const facts = { packetRisk: 'one-reviewer', filesChanged: ['index.js'], diffFlags: [], touchedRiskPaths: [], preexistingFailures: [], stations: [] };
const openGate = { runId: 'r1', gateId: 'g', stationId: 'implement', position: 'after', contentHash: 'h', summary: '', content: '', allowed: ['approve'], plan: null, claim: null, facts, budget: null, reproduction: null, commands: null, text: null, packet: null, diffFiles: null, effects: null, toolDrift: null } as OpenGateView;

describe('host/review/review-requests: diffs and verdicts only for what the panel shows', () => {
  it('opens a diff only for a changed file of the run shown; any other path or run is refused before anything is read', async () => {
    const state = new PanelState();
    state.setRun({ runId: 'r1', blueprint: 'b', stations: [], gates: [], openGate, terminal: null, evidence: null, output: null, branch: null, log: null });
    const opened: string[][] = [];
    const r = reviewRequests({ state, repo: () => '/repo', who: async () => 'Rita', openDiff: async (repo, runId, path, allowed) => (opened.push([repo, runId, path, ...allowed]), { opened: true }), openReview: async () => undefined });
    assert.deepEqual(await r.openDiff({ runId: 'r1', path: 'index.js' }), { opened: true });
    assert.deepEqual(opened, [['/repo', 'r1', 'index.js', 'index.js']]);
    assert.match((await r.openDiff({ runId: 'r2', path: 'index.js' })).message ?? '', /shows no changed files of run r2/);
    // The path check itself (openRunDiff) refuses paths outside the list before it reads the journal.
    assert.match((await openRunDiff('/repo', 'r1', '../../etc/passwd', ['index.js'])).message ?? '', /not a path inside the repository/);
    assert.match((await openRunDiff('/repo', 'r1', '/etc/passwd', ['index.js'])).message ?? '', /not a path inside the repository/);
    assert.match((await openRunDiff('/repo', 'r1', 'secret.txt', ['index.js'])).message ?? '', /not one of the files this run changed/);
  });

  it('records a verdict only on the bundle shown, then shows the bundle with it and syncs it', async () => {
    const { repo, runId } = await aFinishedRunFolder();
    const state = new PanelState();
    const synced: string[] = [];
    const r = reviewRequests({ state, repo: () => repo, who: async () => 'Rita Reviewer', openDiff: async () => ({ opened: false }), openReview: async () => undefined, syncVerdict: async (rp, id) => void synced.push(`${rp}:${id}`), now: () => new Date('2026-12-03T12:00:00Z') });
    assert.match((await r.recordVerdict({ runId, verdict: 'accept', comment: '', sectionComments: {} })).message ?? '', /does not show run/);
    assert.deepEqual(synced, [], 'a refused verdict is not synced');
    state.setReview(loadReview(repo, runId, 'review'));
    assert.deepEqual(await r.recordVerdict({ runId, verdict: 'accept', comment: 'Good.', sectionComments: { diff: 'Small and in scope.', summary: '  ' } }), { recorded: true, message: undefined });
    assert.equal(state.review?.verdict?.verdict, 'accept');
    assert.equal(state.review?.verdict?.by, 'Rita Reviewer');
    assert.deepEqual(state.review?.verdict?.sectionComments, { diff: 'Small and in scope.' }, 'blank section comments are not recorded');
    assert.deepEqual(synced, [`${repo}:${runId}`], 'the recorded verdict is handed to the registry sync');
  });

  it('opens reviewer mode only on the run the panel shows, once it has ended with evidence', async () => {
    const state = new PanelState();
    const reviewed: string[] = [];
    const r = reviewRequests({ state, repo: () => '/repo', who: async () => 'Rita', openDiff: async () => ({ opened: false }), openReview: async (repo, runId) => void reviewed.push(`${repo}:${runId}`) });
    const live: RunView = { runId: 'r1', blueprint: 'b', stations: [], gates: [], openGate, terminal: null, evidence: null, output: null, branch: null, log: null };
    assert.match((await r.openReview({ runId: 'r1' })).message ?? '', /does not show run r1/);
    state.setRun(live);
    assert.match((await r.openReview({ runId: 'r1' })).message ?? '', /no evidence bundle yet/, 'a run still at a gate has no bundle to review');
    assert.match((await r.openReview({ runId: 'r0' })).message ?? '', /does not show run r0/, 'another run id (a forged message) is refused');
    state.setRun({ ...live, openGate: null, terminal: { state: 'PR_READY', reason: 'validated-fix' }, evidence: '/repo/.shopfloor/runs/r1/evidence.md' });
    assert.deepEqual(await r.openReview({ runId: 'r1' }), { opened: true });
    assert.deepEqual(reviewed, ['/repo:r1'], 'only the accepted request opened reviewer mode');
  });
});
