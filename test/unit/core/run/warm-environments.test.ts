import { strict as assert } from 'node:assert';
import { runLine } from '../../../../src/core/run/engine';
import type { EnvironmentProvider, EnvironmentRequest, StationEnvironment } from '../../../../src/core/run/ports';
import { WarmEnvironments } from '../../../../src/core/run/warm-environments';
import { FakeEnvironments, ScriptedGatekeeper, fakePorts } from './fakes';
import { inputs, packet } from './inputs';
import { aBlueprint } from '../../../support/builders';
import { PolicyGatekeeper } from '../../../../src/core/run/gate-policy';
import type { Blueprint } from '../../../../src/contracts';

const req = (stationId: string, image = 'img'): EnvironmentRequest => ({ runId: 'r', stationId, workspaceDir: '/w', network: { mode: 'none' }, image, env: {}, mounts: [] });

/** An inner provider that counts prepares and disposals, and can fail. */
class CountingProvider implements EnvironmentProvider {
  prepared: string[] = [];
  disposed: string[] = [];
  cleanups = 0;
  fail = false;
  async prepare(r: EnvironmentRequest): Promise<StationEnvironment> {
    if (this.fail) throw new Error('engine down');
    this.prepared.push(`${r.stationId}:${r.image}`);
    return { exec: async () => ({ exitCode: 0, endReason: 'exited', durationMs: 0, output: '', truncated: false }), dispose: async () => void this.disposed.push(`${r.stationId}:${r.image}`) };
  }
  async cleanup() {
    this.cleanups++;
  }
}

describe('core/run/warm-environments: warm stations (issue 15)', () => {
  it('a station whose request matches the warm one gets it: one creation, off its path', async () => {
    const inner = new CountingProvider();
    const warm = new WarmEnvironments(inner);
    warm.prewarm(req('validate'));
    warm.prewarm(req('validate')); // the same request again: not prepared twice
    await warm.prepare(req('validate'));
    assert.deepEqual(inner.prepared, ['validate:img']);
    assert.deepEqual(warm.stats, { hits: 1, misses: 0, discarded: 0 });
  });

  it('a request that changed at the gate disposes the warm one and prepares its own', async () => {
    const inner = new CountingProvider();
    const warm = new WarmEnvironments(inner);
    warm.prewarm(req('validate', 'old'));
    await warm.prepare(req('validate', 'new'));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(inner.prepared, ['validate:old', 'validate:new']);
    assert.deepEqual(inner.disposed, ['validate:old']);
    assert.deepEqual(warm.stats, { hits: 0, misses: 1, discarded: 1 });
  });

  it('another station preparing meanwhile leaves the warm environment for the station it was made for', async () => {
    const inner = new CountingProvider();
    const warm = new WarmEnvironments(inner);
    warm.prewarm(req('validate'));
    await warm.prepare(req('setup'));
    await warm.prepare(req('validate'));
    assert.deepEqual([...inner.prepared].sort(), ['setup:img', 'validate:img']);
    assert.deepEqual(inner.disposed, []);
    assert.deepEqual(warm.stats, { hits: 1, misses: 1, discarded: 0 });
  });

  it('a replaced warm environment is removed before its replacement is created (containers named by station never clash)', async () => {
    const inner = new CountingProvider();
    const order: string[] = [];
    const prepare = inner.prepare.bind(inner);
    inner.prepare = async (r) => {
      order.push(`prepare ${r.image}`);
      const env = await prepare(r);
      return { ...env, dispose: async () => void order.push(`dispose ${r.image}`) };
    };
    const warm = new WarmEnvironments(inner);
    warm.prewarm(req('validate', 'a'));
    warm.prewarm(req('validate', 'b'));
    await warm.prepare(req('validate', 'c'));
    assert.deepEqual(order, ['prepare a', 'dispose a', 'prepare b', 'dispose b', 'prepare c']);
  });

  it('a failed prewarm is forgotten: the station prepares on its own path and sees its own failure', async () => {
    const inner = new CountingProvider();
    const warm = new WarmEnvironments(inner);
    inner.fail = true;
    warm.prewarm(req('validate'));
    await assert.rejects(warm.prepare(req('validate')), /engine down/);
    inner.fail = false;
    warm.prewarm(req('validate'));
    assert.ok(await warm.prepare(req('validate')));
  });

  it('cleanup disposes a warm environment before the run’s own cleanup (nothing outlives it)', async () => {
    const inner = new CountingProvider();
    const warm = new WarmEnvironments(inner);
    warm.prewarm(req('validate'));
    await warm.cleanup('r');
    assert.deepEqual(inner.disposed, ['validate:img']);
    assert.equal(inner.cleanups, 1);
  });

  it('in the line: stations after a gate start in the environment prepared while it waited, and the run ends as it does without warming', async () => {
    const plain = fakePorts();
    const without = await runLine(inputs(), plain.ports);
    // A human who takes a moment at each gate, so the background preparation finishes first.
    const f = fakePorts();
    const slow = new ScriptedGatekeeper();
    const decide = slow.decide.bind(slow);
    slow.decide = async (g) => {
      await new Promise((r) => setTimeout(r, 5));
      return decide(g);
    };
    const warm = new WarmEnvironments(f.environments as FakeEnvironments);
    const out = await runLine(inputs(), { ...f.ports, environments: warm, gatekeeper: slow });
    assert.deepEqual(out.terminal, without.terminal);
    assert.ok(warm.stats.hits >= 1, JSON.stringify(warm.stats));
    assert.equal(f.environments.requests.length, plain.environments.requests.length + warm.stats.discarded, 'every creation is either used or counted as discarded');
  });

  it('in the line without gates: the next station is prepared while one works, so it starts warm', async () => {
    const none = { when: 'none' as const, allowSkip: false };
    const blueprint: Blueprint = aBlueprint()
      .with('maxRevisions', 0)
      .with('stations', [
        { id: 'setup', role: 'setup', kind: 'command', from: 'profile.setup', gate: none, retries: 0 },
        { id: 'check', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
      ] as Blueprint['stations'])
      .build();
    const run = { ...inputs(), blueprint, packet: packet({ reproduction: [], flags: ['no-reproduction'] }) };
    const plain = fakePorts();
    const without = await runLine(run, { ...plain.ports, gatekeeper: new PolicyGatekeeper() });
    const f = fakePorts();
    const warm = new WarmEnvironments(f.environments as FakeEnvironments);
    const out = await runLine(run, { ...f.ports, environments: warm, gatekeeper: new PolicyGatekeeper() });
    assert.deepEqual(out.terminal, without.terminal);
    assert.deepEqual(warm.stats, { hits: 2, misses: 1, discarded: 0 }, 'set-up prepares its own; check and validate were each prepared while the station before them ran');
    assert.deepEqual(f.environments.requests.map((r) => r.stationId), ['setup', 'check', 'validate']);
  });
});
