import { strict as assert } from 'node:assert';
import { EvidenceBundleSchema } from '../../../../src/contracts';
import { runLine } from '../../../../src/core/run/engine';
import { productionInstall } from '../../../../src/core/run/setup-fallback';
import { fakePorts } from './fakes';
import { inputs, packet } from './inputs';

describe('core/run set-up that degrades instead of stopping (issue 15)', () => {
  it('knows the production form of npm, yarn and pnpm installs, and of nothing else', () => {
    const npm = productionInstall({ argv: ['npm', 'ci'], cwd: 'pkg', timeoutSec: 300 })!;
    assert.equal(npm.argv[0], '/bin/sh');
    assert.match(npm.argv[2]!, /cp package\.json "\$keep"[\s\S]*npm pkg delete devDependencies && npm install --omit=dev --no-package-lock[\s\S]*cp "\$keep" package\.json/);
    assert.deepEqual([npm.cwd, npm.timeoutSec], ['pkg', 300]);
    assert.deepEqual(productionInstall({ argv: ['yarn'] })?.argv, ['yarn', 'install', '--production', '--ignore-optional']);
    assert.deepEqual(productionInstall({ argv: ['pnpm', 'install', '--frozen-lockfile'] })?.argv, ['pnpm', 'install', '--prod']);
    for (const argv of [['npm', 'run', 'build'], ['npm', 'install', 'left-pad'], ['pip', 'install', '-r', 'requirements.txt'], ['make']]) assert.equal(productionInstall({ argv }), undefined, argv.join(' '));
  });

  it('a failed npm ci falls back to production dependencies, the line goes on, and the evidence names what failed and the validation then unavailable', async () => {
    const f = fakePorts();
    f.environments.ends = { npm: { exitCode: 1, endReason: 'exited', output: 'npm ERR! code ETARGET\n' } };
    const out = await runLine(
      inputs({ packet: packet({ validation: [{ argv: ['test'] }, { argv: ['broken'] }] }), profile: { setup: [{ argv: ['npm', 'ci'] }], dependencyCheck: [], registryHosts: ['registry.npmjs.org'] } }),
      { ...f.ports, gatekeeper: { decide: async () => ({ decision: 'approve', by: { kind: 'human', name: 'h' } }) } },
    );
    assert.notEqual(out.terminal.reason, 'missing-context', 'set-up did not stop the line');
    assert.ok(f.environments.execs.some((e) => e.startsWith('/bin/sh -c')), f.environments.execs.join('\n'));
    const ev = EvidenceBundleSchema.parse(out.evidence);
    assert.deepEqual(ev.setupFallback?.failed, ['npm ci']);
    assert.deepEqual(ev.setupFallback?.ran, ['production dependencies only (npm ci failed)']);
    assert.deepEqual(ev.setupFallback?.unavailableValidation, ev.baseline?.preexistingFailures);
    assert.ok(ev.setupFallback!.unavailableValidation.some((v) => v.startsWith('broken')), JSON.stringify(ev.baseline));
    assert.ok(ev.residualRisk.some((r) => /^Set-up fell back to production dependencies \(npm ci failed\): validation that needs development dependencies is unavailable \(broken/.test(r)), ev.residualRisk.join('\n'));
    assert.equal(ev.decision?.facts.setup, 'passed');
  });

  it('a failed install with no production form, or whose fallback fails too, still ends the line as before', async () => {
    const f = fakePorts();
    f.environments.ends = { npm: { exitCode: 1, endReason: 'exited' }, '/bin/sh': { exitCode: 1, endReason: 'exited' } };
    const out = await runLine(inputs({ profile: { setup: [{ argv: ['npm', 'ci'] }], dependencyCheck: [], registryHosts: [] } }), f.ports);
    assert.equal(`${out.terminal.state} ${out.terminal.reason}`, 'ESCALATE missing-context');
    assert.equal(out.evidence.setupFallback, undefined);
    const g = fakePorts();
    const plain = await runLine(inputs({ profile: { setup: [{ argv: ['fail'] }], dependencyCheck: [], registryHosts: [] } }), g.ports);
    assert.equal(`${plain.terminal.state} ${plain.terminal.reason}`, 'ESCALATE missing-context');
    assert.ok(!g.environments.execs.some((e) => e.startsWith('/bin/sh')));
  });
});
