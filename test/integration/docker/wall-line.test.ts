import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeRun } from '../../../src/app/compose';
import { runFolder } from '../../../src/adapters/store/run-folder';
import type { Blueprint, TaskPacket } from '../../../src/contracts';
import { runLine, type RunOutcome } from '../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';
import { RunInterruptedError } from '../../../src/core/run/errors';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { aBlueprint, aPacket } from '../../support/builders';
import { requireDocker } from '../support/docker';

/**
 * Station walls on the whole line, on real Docker (issue 8): a validation command that
 * allocates beyond the station's memory limit (the devcontainer's `runArgs --memory`) is
 * OOM-killed, and the run ends naming the memory wall, in the evidence and in the terminal
 * reason, instead of revising and ending `ESCALATE validation-failed`. And a command's log
 * is on disk while the command still runs, so a killed command keeps it.
 */
describe('docker: station walls and live logs through the whole line', function () {
  this.timeout(300_000);
  let repo: string;

  const node = (code: string) => ({ argv: ['node', '-e', code] });
  const blueprint = (): Blueprint =>
    aBlueprint()
      .with('maxRevisions', 1)
      .with('defaults', { timeoutSec: 120, retries: 0 })
      .with('stations', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: { when: 'none', allowSkip: false }, retries: 0 },
        {
          id: 'implement',
          role: 'implement',
          kind: 'agent',
          command: { argv: ['sh', '-c', "printf \"module.exports = 'fixed';\\n\" > index.js"] },
          gate: { when: 'none', allowSkip: false },
          retries: 0,
        },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: { when: 'none', allowSkip: false }, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: { when: 'none', allowSkip: false }, retries: 0 },
      ])
      .build();
  const packet = (validation: TaskPacket['validation']): TaskPacket =>
    aPacket()
      .withScope('index.js')
      .with('reproduction', [node("process.exit(require('./index.js') === 'fixed' ? 0 : 1)")])
      .with('validation', validation)
      .build();

  async function run(runId: string, p: TaskPacket, opts: { signal?: AbortSignal; onOutput?: (station: string, chunk: string) => void } = {}): Promise<RunOutcome> {
    const c = await composeRun({
      folder: runFolder(repo, runId),
      setup: { packet: p, blueprint: blueprint(), profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: true, environment: 'docker' },
      gatekeeper: new PolicyGatekeeper(),
      humans: { perform: async () => ({ done: false, by: 'nobody' }) },
      observer: { onOutput: opts.onOutput },
      signal: opts.signal,
      engineVersion: 'walls-test',
    });
    try {
      return await runLine(c.inputs, c.ports);
    } finally {
      await c.close();
    }
  }

  before(async () => {
    await requireDocker();
    repo = join(mkdtempSync(join(tmpdir(), 'shopfloor-walls-line-')), 'repo');
    mkdirSync(join(repo, '.devcontainer'), { recursive: true });
    writeFileSync(join(repo, 'index.js'), "module.exports = 'broken';\n");
    // The station's memory wall: 128 MiB, as a repository sets it in its devcontainer.json.
    writeFileSync(join(repo, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: 'shopfloor/node:bookworm', runArgs: ['--memory=128m'] }, null, 2));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: repo });
  });

  it('a validation that allocates beyond the memory limit ends ESCALATE memory-limit, the wall named in the evidence', async () => {
    const runId = `20261202-100000-${Math.random().toString(16).slice(2, 8)}`;
    // Green on the base commit (the validation baseline passes); allocates without end once the fix is in.
    const out = await run(runId, packet([node("if (require('./index.js') === 'fixed') { const a = []; for (;;) a.push(Buffer.alloc(8 << 20, 1)); }")]));
    const v = out.evidence.validation[0]!;
    console.log(`      OOM run: ${out.terminal.state} ${out.terminal.reason} by ${out.rule}: ${out.terminal.detail}`);
    console.log(`      evidence validation[0]: exit ${v.exitCode}, endReason ${v.endReason}, endDetail ${v.endDetail}`);
    assert.deepEqual([out.terminal.state, out.terminal.reason, out.rule], ['ESCALATE', 'memory-limit', 'T2w']);
    assert.match(out.terminal.detail ?? '', /station validate: .* hit the station's memory limit \(oom-killed/);
    assert.deepEqual([v.exitCode, v.endReason], [137, 'oom-killed']);
    assert.deepEqual([out.evidence.reproduction.before[0]!.exitCode, out.evidence.reproduction.after[0]!.exitCode], [1, 0], 'the fix itself worked');
    const folder = runFolder(repo, runId);
    const evidence = JSON.parse(readFileSync(folder.path(RUN_LAYOUT.evidenceJson), 'utf8'));
    assert.equal(evidence.validation[0].endReason, 'oom-killed', 'evidence.json on disk names the wall');
    assert.match(readFileSync(folder.path(RUN_LAYOUT.evidenceMd), 'utf8'), /137, oom-killed: memory-limit/);
    assert.ok(existsSync(join(folder.dir, v.logArtifact!)), 'the command log is in the run folder');
    const journal = readFileSync(folder.journal, 'utf8');
    assert.equal((journal.match(/"stationId":"implement","attempt"/g) ?? []).length / 2, 1, 'implemented once: no revise round for a wall');
  });

  it('a command log is on disk while the command runs, and stays after the command is killed', async () => {
    const runId = `20261202-100001-${Math.random().toString(16).slice(2, 8)}`;
    const ac = new AbortController();
    const logPath = join(runFolder(repo, runId).dir, 'artifacts', 'logs', 'validate-1-1.log');
    let whileRunning: string | undefined;
    const interrupted = await run(runId, packet([{ argv: ['sh', '-c', "echo started; if grep -q fixed index.js; then sleep 120; fi; echo done"] }]), {
      signal: ac.signal,
      onOutput: (station, chunk) => {
        if (station !== 'validate' || !chunk.includes('started') || whileRunning !== undefined) return;
        // (The validation baseline runs it on the base commit first as station validate@baseline: it does not sleep there.)
        // Read from disk by another reader while the command sleeps, then cancel the run.
        setTimeout(() => {
          whileRunning = readFileSync(logPath, 'utf8');
          ac.abort();
        }, 500);
      },
    }).then(
      () => assert.fail('a cancelled run has no terminal state'),
      (e: Error) => e,
    );
    console.log(`      cancelled run: ${interrupted.name}: ${interrupted.message}; log while running: ${JSON.stringify(whileRunning)}`);
    assert.equal(whileRunning, 'started\n');
    assert.ok(interrupted instanceof RunInterruptedError, String(interrupted));
    assert.equal(readFileSync(logPath, 'utf8'), 'started\n', 'the killed command’s log is kept');
  });
});
