import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256Hex } from '../../../src/core/hash';
import { parseEvidenceNote } from '../../../src/core/run/evidence-note';
import { requireDocker } from '../support/docker';
import { applyPatchCommand, cli, draftAndApprove, journalEvents, loadCases, materialize, ROOT, timings, upstreamPatch } from './line-support';

/**
 * Acceptance of the line (issue 5) on real input in real devcontainers: for each case of
 * ../shared/brownfield/cases.json, a packet drafted from the advisory runs through the
 * cve-remediation blueprint with a command implement station that applies the published
 * upstream fix (standing in for an agent). Gates are decided by the unattended policy.
 */
const report = join(ROOT, 'test-results', 'line-acceptance.md');
const { cases, vague_seeds } = loadCases();

interface Summary {
  runId: string;
  terminalState: string;
  reason: string;
  evidence: string;
  output: { branch?: string; commit?: string; report?: string } | null;
}

function run(repo: string, packet: string, fix?: string): Summary {
  const args = ['run', '--repo', repo, '--packet', packet, '--unattended', '--json'];
  if (fix) args.push('--agent-command', fix);
  const r = cli(args);
  assert.ok(r.stdout.trim().startsWith('{'), `shopfloor run printed no summary (exit ${r.code}):\n${r.stderr.slice(-3000)}`);
  return JSON.parse(r.stdout) as Summary;
}

function record(caseId: string, variant: string, repo: string, s: Summary): void {
  const t = timings(repo, s.runId);
  const rows = t.stations.map((x) => `${x.id} ${(x.ms / 1000).toFixed(1)} s (${x.outcome})`).join(', ');
  appendFileSync(report, `| ${caseId} | ${variant} | ${s.terminalState} ${s.reason} | ${(t.totalMs / 1000).toFixed(1)} s | ${rows} | ${(t.overheadMs / 1000).toFixed(2)} s |\n`);
}

describe('acceptance: the line on the brownfield cases (real Docker, real git, real npm packages)', function () {
  // Set-up installs each package's dev dependencies through the egress proxy: minutes, not seconds.
  this.timeout(20 * 60_000);
  before(async () => {
    await requireDocker();
    assert.ok(existsSync(join(ROOT, 'dist', 'cli.js')), 'dist/cli.js is missing: run npm run build');
    mkdirSync(join(ROOT, 'test-results'), { recursive: true });
    writeFileSync(report, '| case | variant | terminal state | wall | stations (wall time) | line overhead |\n|---|---|---|---|---|---|\n');
  });

  for (const c of cases) {
    describe(c.id, () => {
      let vulnerable: string;
      let fixed: string;
      let packetFile: string;

      before(() => {
        vulnerable = materialize(c.package, c.vulnerable);
        fixed = materialize(c.package, c.fixed);
        packetFile = draftAndApprove(vulnerable, c.seed, 'advisory', c.id);
      });

      it(`${c.vulnerable}: ends PR_READY with the proof-of-concept failing before and passing after, and the package's tests passing`, () => {
        const s = run(vulnerable, packetFile, applyPatchCommand(upstreamPatch(vulnerable, fixed, c.touches)));
        record(c.id, `vulnerable ${c.vulnerable}`, vulnerable, s);
        assert.equal(s.terminalState, 'PR_READY', `${s.reason}; see ${s.evidence}`);
        const ev = JSON.parse(readFileSync(s.evidence, 'utf8'));
        assert.ok(ev.reproduction.before.length > 0 && ev.reproduction.before.every((r: { exitCode: number }) => r.exitCode !== 0), 'reproduction fails before');
        assert.ok(ev.reproduction.after.length > 0 && ev.reproduction.after.every((r: { exitCode: number }) => r.exitCode === 0), 'reproduction passes after');
        assert.ok(ev.validation.length > 0 && ev.validation.every((r: { exitCode: number }) => r.exitCode === 0), 'validation green');
        assert.ok(
          ev.validation.some((r: { command: { argv: string[] } }) => r.command.argv.join(' ') === 'npm test'),
          "the package's own test suite is part of validation",
        );
        assert.deepEqual(ev.diff.files, c.touches);
        assert.match(ev.environment.imageDigest ?? '', /^sha256:/, 'ran in a container image');
        // The output is a branch with one commit on the base; the user's checkout is untouched.
        const branch = s.output?.branch;
        assert.ok(branch, 'an output branch');
        const base = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: vulnerable, encoding: 'utf8' }).trim();
        assert.equal(execFileSync('git', ['rev-list', '--count', `${base}..${branch}`], { cwd: vulnerable, encoding: 'utf8' }).trim(), '1');
        assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: vulnerable, encoding: 'utf8' }), '');
        const note = execFileSync('git', ['notes', '--ref=refs/notes/shopfloor', 'show', branch], { cwd: vulnerable, encoding: 'utf8' });
        assert.match(note, /PR_READY/);
        // The note locates its run: the trailer names the run id and the SHA-256 of the evidence.json written.
        assert.deepEqual(parseEvidenceNote(note).trailer, { runId: s.runId, evidenceSha256: sha256Hex(readFileSync(s.evidence)) });
        const verify = cli(['verify', s.runId, '--repo', vulnerable]);
        assert.equal(verify.code, 0, verify.stdout + verify.stderr);
      });

      it(`${c.fixed}: the same packet ends NO_OP already-fixed without starting the implement station`, () => {
        // The same packet, minus the vulnerable repository's base commit (it does not exist here), approved again.
        const packet = JSON.parse(readFileSync(packetFile, 'utf8'));
        delete packet.baseCommit;
        delete packet.approval;
        const file = join(fixed, '..', `${c.id}.fixed.packet.json`);
        writeFileSync(file, JSON.stringify(packet, null, 2));
        assert.equal(cli(['approve', file, '--by', 'Rita Reviewer <rita@example.com>']).code, 0);
        const s = run(fixed, file, applyPatchCommand('this must never run'));
        record(c.id, `fixed ${c.fixed}`, fixed, s);
        assert.equal(`${s.terminalState} ${s.reason}`, 'NO_OP already-fixed');
        const started = journalEvents(fixed, s.runId).filter((e) => e.event.type === 'station/started').map((e) => e.event.stationId);
        assert.ok(!started.includes('implement'), `implement never starts (started: ${started.join(', ')})`);
        assert.equal(execFileSync('git', ['branch', '--list', 'shopfloor/*'], { cwd: fixed, encoding: 'utf8' }).trim(), '');
      });
    });
  }

  describe('vague seeds', () => {
    let repo: string;
    before(() => {
      repo = materialize(cases[0]!.package, cases[0]!.vulnerable);
    });

    vague_seeds.forEach((seed, i) => {
      it(`"${seed}" ends ESCALATE or NO_OP missing-context and changes nothing`, () => {
        const file = draftAndApprove(repo, seed, 'issue', `vague-${i}`);
        assert.ok((JSON.parse(readFileSync(file, 'utf8')).flags as string[]).includes('missing-context'));
        const s = run(repo, file, applyPatchCommand('this must never run'));
        record('vague', `seed ${i + 1}`, repo, s);
        assert.ok(['ESCALATE', 'NO_OP'].includes(s.terminalState) && s.reason === 'missing-context', `${s.terminalState} ${s.reason}`);
        const started = journalEvents(repo, s.runId).filter((e) => e.event.type === 'station/started').map((e) => e.event.stationId);
        assert.ok(!started.includes('implement'), `implement never starts (started: ${started.join(', ')})`);
        assert.equal(execFileSync('git', ['branch', '--list', 'shopfloor/*'], { cwd: repo, encoding: 'utf8' }).trim(), '');
        assert.equal(execFileSync('git', ['status', '--porcelain'], { cwd: repo, encoding: 'utf8' }), '');
      });
    });
  });
});
