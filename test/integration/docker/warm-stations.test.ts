import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeRun } from '../../../src/app/compose';
import { runFolder } from '../../../src/adapters/store/run-folder';
import type { Blueprint } from '../../../src/contracts';
import { runLine } from '../../../src/core/run/engine';
import type { Gate, Gatekeeper } from '../../../src/core/run/ports';
import { aBlueprint, aPacket } from '../../support/builders';
import { requireDocker } from '../support/docker';

/**
 * Warm stations on real Docker (issue 15, item 3): while a human reads a gate, the
 * container of the station the gate lets run is created, so approving it starts the station
 * in that container. Checked by what the run reports (how many stations started warm), not by
 * time; and the stations' results are the same as without warming.
 */
describe('docker: warm stations (the next container is created while a gate waits)', function () {
  this.timeout(300_000);
  let repo: string;
  const gate = { when: 'before' as const, allowSkip: false };
  const blueprint = (): Blueprint =>
    aBlueprint()
      .with('maxRevisions', 0)
      .with('defaults', { timeoutSec: 120, retries: 0 })
      .with('stations', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate, retries: 0 },
        { id: 'implement', role: 'implement', kind: 'agent', command: { argv: ['sh', '-c', "printf \"module.exports = 'fixed';\\n\" > index.js"] }, gate, retries: 0 },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate, retries: 0 },
      ])
      .build();

  before(async () => {
    await requireDocker();
    repo = join(mkdtempSync(join(tmpdir(), 'shopfloor-warm-')), 'repo');
    mkdirSync(join(repo, '.devcontainer'), { recursive: true });
    writeFileSync(join(repo, 'index.js'), "module.exports = 'broken';\n");
    writeFileSync(join(repo, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: 'shopfloor/node:bookworm' }, null, 2));
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: repo });
  });

  it('stations behind a before gate start in the container prepared while the gate waited; PR_READY as without warming', async () => {
    const node = (code: string) => ({ argv: ['node', '-e', code] });
    const packet = aPacket().withScope('index.js').with('reproduction', [node("process.exit(require('./index.js') === 'fixed' ? 0 : 1)")]).with('validation', [node("require('./index.js')")]).build();
    const seen: Gate[] = [];
    // A reviewer who reads each gate for 3 s: long enough for a container to be created.
    const human: Gatekeeper = { decide: async (g) => (seen.push(g), await new Promise((r) => setTimeout(r, 3000)), { decision: 'approve', by: { kind: 'human', name: 'rita' } }) };
    const logs: string[] = [];
    const logger = { trace: () => undefined, debug: () => undefined, info: (m: string) => void logs.push(m), warn: (m: string) => void logs.push(m), error: () => undefined };
    const c = await composeRun({
      folder: runFolder(repo, '20261203-150000-a1b2c3'),
      setup: { packet, blueprint: blueprint(), profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: false, environment: 'docker' },
      gatekeeper: human,
      humans: { perform: async () => ({ done: false, by: 'nobody' }) },
      observer: {},
      logger,
      engineVersion: 'warm-test',
    });
    let out;
    try {
      out = await runLine(c.inputs, c.ports);
    } finally {
      await c.close();
    }
    assert.equal(out.terminal.state, 'PR_READY', JSON.stringify(out.terminal));
    assert.ok(seen.filter((g) => g.position === 'before').length >= 4, 'every station had a before gate');
    const line = logs.find((l) => l.startsWith('warm stations:'));
    assert.ok(line, logs.join('\n'));
    console.log(`      ${line}`);
    const hits = Number(/warm stations: (\d+) started/.exec(line!)![1]);
    // reproduce, implement, reproduce-after and validate each waited behind a gate.
    assert.ok(hits >= 3, line);
    assert.deepEqual([out.evidence.reproduction.before[0]!.exitCode, out.evidence.reproduction.after[0]!.exitCode], [1, 0]);
    // No container of the run is left behind (warm ones included).
    const left = execFileSync('docker', ['ps', '-aq', '--filter', 'label=shopfloor.run=20261203-150000-a1b2c3'], { encoding: 'utf8' }).trim();
    assert.equal(left, '');
  });
});
