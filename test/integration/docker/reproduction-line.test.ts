import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeRun } from '../../../src/app/compose';
import { runFolder } from '../../../src/adapters/store/run-folder';
import type { Blueprint, CommandSpec, TaskPacket } from '../../../src/contracts';
import { runLine, type RunOutcome } from '../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { aBlueprint, aPacket } from '../../support/builders';
import { requireDocker } from '../support/docker';

/**
 * Reproductions judged by how they fail, on real Docker through the whole line (issue 11):
 * a denial of service whose trigger never returns is reproduced by a stated hang bound (not
 * retried as a timeout) and shown fixed when it returns; a reproduction with a syntax error
 * or a missing module is refused before any change (`ESCALATE invalid-reproduction`); one
 * that passes on the base commit ends NO_OP. The outputs judged are node's own, in the
 * station image.
 */
describe('docker: reproductions judged by how they fail (issue 11)', function () {
  this.timeout(300_000);
  let repo: string;

  const node = (code: string, expectFailure?: CommandSpec['expectFailure']): CommandSpec => ({ argv: ['node', '-e', code], ...(expectFailure ? { expectFailure } : {}) });
  const blueprint = (): Blueprint =>
    aBlueprint()
      .with('maxRevisions', 0)
      .with('defaults', { timeoutSec: 120, retries: 0 })
      .with('stations', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: { when: 'none', allowSkip: false }, retries: 1 },
        {
          id: 'implement',
          role: 'implement',
          kind: 'agent',
          // The fix: the parser returns instead of spinning on its input.
          command: { argv: ['sh', '-c', "printf \"module.exports = (s) => s.length;\\n\" > index.js"] },
          gate: { when: 'none', allowSkip: false },
          retries: 0,
        },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: { when: 'none', allowSkip: false }, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: { when: 'none', allowSkip: false }, retries: 0 },
      ])
      .build();
  const packet = (reproduction: CommandSpec[]): TaskPacket => aPacket().withScope('index.js').with('reproduction', reproduction).with('validation', [node("process.exit(require('./index.js')('ab') === 2 ? 0 : 1)")]).build();

  async function run(runId: string, p: TaskPacket): Promise<RunOutcome> {
    const c = await composeRun({
      folder: runFolder(repo, runId),
      setup: { packet: p, blueprint: blueprint(), profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: true, environment: 'docker' },
      gatekeeper: new PolicyGatekeeper(),
      humans: { perform: async () => ({ done: false, by: 'nobody' }) },
      engineVersion: 'reproduction-test',
    });
    try {
      return await runLine(c.inputs, c.ports);
    } finally {
      await c.close();
    }
  }
  /** The reproduce station's results, one per attempt, as the run folder holds them. */
  const reproduceResults = (runId: string) =>
    [1, 2]
      .map((n) => runFolder(repo, runId).path(RUN_LAYOUT.stationResult('reproduce', n)))
      .filter((f) => existsSync(f))
      .map((f) => ({ result: JSON.parse(readFileSync(f, 'utf8')) }));

  before(async () => {
    await requireDocker();
    repo = join(mkdtempSync(join(tmpdir(), 'shopfloor-repro-line-')), 'repo');
    mkdirSync(repo, { recursive: true });
    // The problem: a parser that never returns on a crafted input (a ReDoS or an infinite loop, as advisories describe).
    writeFileSync(join(repo, 'index.js'), 'module.exports = (s) => { while (s.includes("((")) {} return s.length; };\n');
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: repo });
  });

  it('a trigger that never returns is reproduced by its stated bound, once, and shown fixed when it returns', async () => {
    const out = await run('20261202-210000-aaaaaa', packet([node("require('./index.js')('((('.repeat(10))", { hangsPastSec: 3 })]));
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'validated-fix'], out.terminal.detail);
    const ends = reproduceResults('20261202-210000-aaaaaa');
    assert.equal(ends.length, 1, 'stopped at the bound is the failure: never retried');
    const cmd = ends[0].result.commands[0];
    assert.equal(cmd.reproduction.verdict, 'reproduced');
    assert.equal(cmd.endReason, 'timeout');
    assert.ok(cmd.durationMs >= 3000 && cmd.durationMs < 60_000, `stopped near its 3 s bound, not the station's 120 s: ${cmd.durationMs}`);
  });

  it('a reproduction with a syntax error is refused before any change, naming why', async () => {
    const out = await run('20261202-210001-bbbbbb', packet([node("require('./index.js')('(((' ")]));
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'invalid-reproduction']);
    assert.match(out.terminal.detail ?? '', /syntax error/);
    assert.equal(reproduceResults('20261202-210001-bbbbbb')[0].result.commands[0].reproduction.verdict, 'refused');
  });

  it('a reproduction that loads a module that is not there is refused', async () => {
    const out = await run('20261202-210002-cccccc', packet([node("require('./no-such-file.js')")]));
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'invalid-reproduction']);
    assert.match(out.terminal.detail ?? '', /module it loads is missing/);
  });

  it('a reproduction that passes on the base commit ends NO_OP, never a retry', async () => {
    const out = await run('20261202-210003-dddddd', packet([node("process.exit(require('./index.js')('ab') === 2 ? 0 : 1)")]));
    // The packet's no-op rule (builders.ts): reproduction-passes-before-change → NO_OP.
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['NO_OP', 'could-not-reproduce']);
    assert.equal(reproduceResults('20261202-210003-dddddd').length, 1);
    assert.equal(reproduceResults('20261202-210003-dddddd')[0].result.commands[0].reproduction.verdict, 'not-reproduced');
  });
});
