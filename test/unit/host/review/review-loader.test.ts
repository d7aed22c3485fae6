import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { ReviewVerdictSchema } from '../../../../src/contracts';
import { RUN_LAYOUT } from '../../../../src/core/run/layout';
import { loadReview, recordVerdict } from '../../../../src/host/review/review-loader';
import { aFinishedRunFolder } from '../../../support/run-folder-fixture';

describe('host/review/review-loader: a bundle is trusted only when its run folder verifies', () => {
  it('a sealed journal binding an unchanged evidence.json is trusted, with the bundle parsed', async () => {
    const { repo, runId } = await aFinishedRunFolder();
    const v = loadReview(repo, runId, 'review');
    assert.deepEqual(v.problems, []);
    assert.equal(v.trusted, true);
    assert.equal(v.bundle?.terminal.state, 'PR_READY');
    assert.equal(v.folder, join('.shopfloor', 'runs', runId));
    assert.match(v.evidenceSha256 ?? '', /^[0-9a-f]{64}$/);
  });

  it("lists the run folder's station logs with their line counts, for the panel to read by range", async () => {
    const { repo, runId, dir } = await aFinishedRunFolder();
    assert.deepEqual(loadReview(repo, runId, 'review').logs, []);
    fs.mkdirSync(join(dir, 'artifacts', 'logs'), { recursive: true });
    fs.writeFileSync(join(dir, RUN_LAYOUT.stationPanelLog('validate')), 'a\nb\nc\n');
    fs.writeFileSync(join(dir, RUN_LAYOUT.stationPanelLog('implement')), 'one\ntwo');
    fs.writeFileSync(join(dir, RUN_LAYOUT.commandLog('validate', 1, 0)), 'a command log is not a station log\n');
    const v = loadReview(repo, runId, 'review');
    assert.deepEqual(v.logs, [
      { stationId: 'implement', total: 2 },
      { stationId: 'validate', total: 3 },
    ]);
    assert.equal(v.trusted, true, v.problems.join('; '));
  });

  it('evidence edited after the journal recorded it is untrusted and says why (the bundle is still shown)', async () => {
    const { repo, runId, dir } = await aFinishedRunFolder();
    const p = join(dir, RUN_LAYOUT.evidenceJson);
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('Fixed the export', 'Fixed everything'));
    const v = loadReview(repo, runId, 'review');
    assert.equal(v.trusted, false);
    assert.ok(v.problems.some((m) => /evidence\.json was changed after the journal recorded it/.test(m)), v.problems.join('\n'));
    assert.equal(v.bundle?.summary.startsWith('Fixed everything'), true);
  });

  it('a journal whose record was edited is untrusted', async () => {
    const { repo, runId, dir } = await aFinishedRunFolder();
    const p = join(dir, RUN_LAYOUT.journal);
    fs.writeFileSync(p, fs.readFileSync(p, 'utf8').replace('"pattern":"interactive"', '"pattern":"unattended"'));
    const v = loadReview(repo, runId, 'review');
    assert.equal(v.trusted, false);
    assert.ok(v.problems.some((m) => /^journal: .*hash/.test(m)), v.problems.join('\n'));
  });

  it('a missing journal, an evidence.json that is not a bundle, or another run\'s bundle is untrusted', async () => {
    const a = await aFinishedRunFolder();
    fs.rmSync(join(a.dir, RUN_LAYOUT.journal));
    assert.match(loadReview(a.repo, a.runId, 'review').problems.join('\n'), /no journal/);

    const b = await aFinishedRunFolder();
    fs.writeFileSync(join(b.dir, RUN_LAYOUT.evidenceJson), '{"schemaVersion":1}');
    const vb = loadReview(b.repo, b.runId, 'review');
    assert.equal(vb.bundle, null);
    assert.match(vb.problems.join('\n'), /is not an evidence bundle/);

    const c = await aFinishedRunFolder('run-other');
    const ev = JSON.parse(fs.readFileSync(join(c.dir, RUN_LAYOUT.evidenceJson), 'utf8'));
    fs.mkdirSync(join(c.repo, '.shopfloor', 'runs', 'run-copy', 'artifacts'), { recursive: true });
    fs.writeFileSync(join(c.repo, '.shopfloor', 'runs', 'run-copy', RUN_LAYOUT.evidenceJson), JSON.stringify(ev));
    fs.copyFileSync(join(c.dir, RUN_LAYOUT.journal), join(c.repo, '.shopfloor', 'runs', 'run-copy', RUN_LAYOUT.journal));
    assert.match(loadReview(c.repo, 'run-copy', 'review').problems.join('\n'), /the bundle is run run-other's, found in run run-copy's folder/);
  });

  it('refuses a run id that could leave the runs folder', () => {
    assert.throws(() => loadReview('/tmp', '../../etc', 'review'), /not a run id/);
  });

  it('records a verdict in the run folder with who, when, the evidence hash and whether it verified; loading shows it', async () => {
    const { repo, runId, dir } = await aFinishedRunFolder();
    const v = recordVerdict(repo, runId, { verdict: 'request-changes', comment: 'Add a test for 0.' }, 'Rita Reviewer <rita@example.com>', new Date('2026-12-03T12:00:00Z'));
    const stored = ReviewVerdictSchema.parse(JSON.parse(fs.readFileSync(join(dir, RUN_LAYOUT.reviewVerdict), 'utf8')));
    assert.deepEqual(stored, v);
    assert.equal(stored.trusted, true);
    assert.equal(stored.at, '2026-12-03T12:00:00.000Z');
    assert.equal(stored.evidenceSha256, loadReview(repo, runId, 'review').evidenceSha256);
    assert.deepEqual(loadReview(repo, runId, 'review').verdict, v);
    // The verdict file is not one the journal binds: recording it leaves the bundle verified.
    assert.equal(loadReview(repo, runId, 'review').trusted, true);
  });

  it('a verdict on a bundle that does not verify records trusted: false', async () => {
    const { repo, runId, dir } = await aFinishedRunFolder();
    fs.appendFileSync(join(dir, RUN_LAYOUT.evidenceJson), ' ');
    assert.equal(recordVerdict(repo, runId, { verdict: 'reject', comment: 'tampered' }, 'Rita', new Date()).trusted, false);
  });
});
