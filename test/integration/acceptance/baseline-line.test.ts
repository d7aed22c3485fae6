import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EvidenceBundle, TaskPacket } from '../../../src/contracts';
import type { Gate, GateAnswer, Gatekeeper } from '../../../src/core/run/ports';
import { startRun } from '../../../src/app/run-session';
import { requireDocker } from '../support/docker';
import { applyPatchCommand, cli, draftAndApprove, journalEvents, materialize, ROOT, timings, upstreamPatch } from './line-support';
import type { BrownfieldCase } from './line-support';

/**
 * Acceptance of the validation baseline (issue 8, item 5) on a real npm package whose
 * published tarball lacks the test files its `test` script needs (test/fixtures/baseline/
 * cases.json), in real devcontainers: the baseline shows `npm test` failing on the base
 * commit, the fix (the published upstream patch, applied by a command implement station
 * standing in for an agent) is not blamed for it, and the run ends at a human gate
 * (interactive) or ESCALATE pre-existing-failure (unattended), never agent-gave-up.
 */
/** A brownfield case whose published package fails its validation before any change: `red_before` names the failing commands. */
interface BaselineCase extends BrownfieldCase {
  red_before: string[];
}
const { cases } = JSON.parse(readFileSync(join(ROOT, 'test', 'fixtures', 'baseline', 'cases.json'), 'utf8')) as { cases: BaselineCase[] };
const report = join(ROOT, 'test-results', 'baseline-acceptance.md');

/** A human at every gate (the interactive pattern, driven in-process): approves, and keeps every gate it was shown. */
class ApprovingHuman implements Gatekeeper {
  asked: Gate[] = [];
  async decide(gate: Gate): Promise<GateAnswer> {
    this.asked.push(gate);
    return { decision: 'approve', by: { kind: 'human', name: 'Rita Reviewer' }, reason: 'accepted at the acceptance test gate' };
  }
}

function record(caseId: string, variant: string, repo: string, runId: string, terminal: string): void {
  const t = timings(repo, runId);
  const rows = t.stations.map((x) => `${x.id} ${(x.ms / 1000).toFixed(1)} s (${x.outcome})`).join(', ');
  appendFileSync(report, `| ${caseId} | ${variant} | ${terminal} | ${(t.totalMs / 1000).toFixed(1)} s | ${rows} |\n`);
}

/** The baseline facts every variant must show: `npm test` red on the base commit, the same after, judged pre-existing, never revised. */
function assertBaseline(ev: EvidenceBundle, c: BaselineCase, repo: string, runId: string): void {
  const red = c.red_before.join(' ');
  const base = ev.baseline!;
  assert.ok(base, 'the evidence has a validation baseline');
  const before = base.stations.flatMap((s) => s.commands).find((x) => x.command.argv.join(' ') === red)!;
  assert.ok(before && before.exitCode !== 0 && before.exitCode !== null, `${red} fails on the base commit (exit ${before?.exitCode})`);
  assert.ok(base.stations.every((s) => s.skipped.some((a) => a.join(' ') === c.poc.join(' '))), 'the proof-of-concept is not part of the baseline (it must fail before)');
  const v = base.verdicts.find((x) => x.argv.join(' ') === red)!;
  assert.deepEqual([v.before, v.after, v.verdict], [before.exitCode, before.exitCode, 'pre-existing-failure']);
  assert.deepEqual(base.preexistingFailures, [`${red} (exit ${before.exitCode})`]);
  assert.deepEqual(base.regressions, []);
  assert.ok(ev.reproduction.before.every((r) => r.exitCode !== 0) && ev.reproduction.after.every((r) => r.exitCode === 0), 'the fix works: PoC fails before, passes after');
  assert.deepEqual(ev.diff?.files, c.touches);
  assert.equal(ev.decision!.rounds.length, 1, 'no revise round');
  const implStarts = journalEvents(repo, runId).filter((e) => e.event.type === 'station/started' && e.event.stationId === 'implement');
  assert.equal(implStarts.length, 1, 'implement ran once');
  assert.notEqual(ev.terminal.reason, 'agent-gave-up');
  assert.notEqual(ev.terminal.reason, 'validation-failed');
}

describe('acceptance: the validation baseline on a package published without its tests (real Docker, real npm package)', function () {
  this.timeout(20 * 60_000);
  before(async () => {
    await requireDocker();
    assert.ok(existsSync(join(ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run npm run build');
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(report, '| case | variant | terminal state | wall | stations (wall time) |\n|---|---|---|---|---|\n');
  });

  for (const c of cases) {
    describe(`${c.id} (${c.package}@${c.vulnerable})`, () => {
      let repo: string;
      let packetFile: string;
      let fix: string;

      before(() => {
        repo = materialize(c.package, c.vulnerable);
        const fixed = materialize(c.package, c.fixed);
        fix = applyPatchCommand(upstreamPatch(repo, fixed, c.touches));
        // The drafted packet, with the advisory's proof-of-concept as reproduction (as a reviewer edits it at the packet gate).
        packetFile = draftAndApprove(repo, c.seed, 'advisory', c.id, (p) => {
          const poc = { argv: c.poc, timeoutSec: 60, description: 'proof-of-concept: exits 1 while the prototype is polluted' };
          p.reproduction = [poc];
          p.validation = [poc, ...((p.validation as TaskPacket['validation']).filter((v) => v.argv.join(' ') !== c.poc.join(' ')))];
          p.flags = (p.flags as string[]).filter((f) => f !== 'no-reproduction');
        });
        const validation = (JSON.parse(readFileSync(packetFile, 'utf8')) as TaskPacket).validation.map((v) => v.argv.join(' '));
        assert.ok(validation.includes(c.red_before.join(' ')), `the drafted validation runs ${c.red_before.join(' ')} (got ${validation.join('; ')})`);
      });

      it('the profile does not tick runnable-tests for a test script without test files', () => {
        const p = cli(['profile', '--repo', repo]);
        assert.equal(p.code, 0, p.stderr);
        assert.match(p.stdout, /test folders: none/);
        assert.match(p.stdout, /\[ \] runnable-tests: /);
      });

      it('unattended: ESCALATE pre-existing-failure, the baseline shows npm test red before the change, the fix is not blamed', () => {
        const r = cli(['run', '--repo', repo, '--packet', packetFile, '--unattended', '--json', '--agent-command', fix]);
        assert.ok(r.stdout.trim().startsWith('{'), `shopfloor run printed no summary (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
        const s = JSON.parse(r.stdout) as { runId: string; terminalState: string; reason: string; evidence: string };
        record(c.id, 'unattended (CLI)', repo, s.runId, `${s.terminalState} ${s.reason}`);
        assert.equal(`${s.terminalState} ${s.reason}`, 'ESCALATE pre-existing-failure', `see ${s.evidence}`);
        const ev = JSON.parse(readFileSync(s.evidence, 'utf8')) as EvidenceBundle;
        assertBaseline(ev, c, repo, s.runId);
        assert.equal(ev.baseline!.stations[0]!.fromCache, false, 'first run on this base commit: the baseline ran');
        assert.match(ev.terminal.detail ?? '', /npm test \(exit \d+\)/);
        assert.equal(ev.gates.at(-1)!.stationId, 'decide', 'it stopped at the output gate');
        assert.equal(execFileSync('git', ['branch', '--list', 'shopfloor/*'], { cwd: repo, encoding: 'utf8' }).trim(), '', 'nothing shipped');
        assert.match(readFileSync(join(repo, '.shopfloor', 'runs', s.runId, 'escalation.md'), 'utf8'), /fails the same way on the base commit/);
      });

      it('interactive: the output gate shows the pre-existing failure; a human accepts it: PR_READY accepted-with-preexisting-failures', async () => {
        // Through the run session, as the editor starts it, with a human gatekeeper that approves every gate.
        const session = await startRun({ repo, packetFile, options: { unattended: false, environment: 'docker', agentCommand: fix, profile: true } });
        const human = new ApprovingHuman();
        const runId = session.runId;
        const out = await session.execute({ gatekeeper: human, humans: { perform: async () => ({ done: true, by: 'Rita Reviewer' }) } });
        record(c.id, 'interactive (human at gates)', repo, runId, `${out.terminal.state} ${out.terminal.reason}`);
        assert.equal(`${out.terminal.state} ${out.terminal.reason}`, 'PR_READY accepted-with-preexisting-failures', out.terminal.detail);
        const gate = human.asked.find((g) => g.stationId === 'decide')!;
        assert.match(gate.summary, /pre-existing, not blamed on it\): npm test \(exit \d+\)/);
        assert.deepEqual(gate.risk.preexistingFailures, out.evidence.baseline!.preexistingFailures);
        assertBaseline(out.evidence, c, repo, runId);
        assert.equal(out.evidence.baseline!.stations[0]!.fromCache, true, 'second run on the same base commit: the baseline came from the cache');
        assert.equal(out.evidence.decision!.facts.preexistingAccepted, true);
        const branch = out.output?.branch;
        assert.ok(branch, 'an output branch');
        assert.match(execFileSync('git', ['log', '-1', '--format=%B', branch], { cwd: repo, encoding: 'utf8' }), /Terminal state: PR_READY \(accepted-with-preexisting-failures\)\n[\s\S]*Approved-by: Rita Reviewer/);
      });

      it('once a baseline has run, readiness uses its result', () => {
        const p = cli(['profile', '--repo', repo]);
        assert.equal(p.code, 0, p.stderr);
        assert.match(p.stdout, /\[ \] runnable-tests: npm test failed on the base commit \(exit \d+\) in the validation baseline of run \d{8}-\d{6}-[0-9a-f]{6}/);
      });
    });
  }
});
