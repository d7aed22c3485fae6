import { strict as assert } from 'node:assert';
import { BlueprintSchema, type Blueprint } from '../../../../src/contracts';
import { BUGFIX, BUILTIN_BLUEPRINTS, CVE_REMEDIATION, INVESTIGATION, compareSemver, lookupIn, resolveBlueprint } from '../../../../src/core/blueprints';
import { aBlueprint } from '../../../support/builders';

const roles = (b: Blueprint) => b.stations.map((s) => s.role);

describe('core/blueprints: built-ins and fork resolution', () => {
  it('ships bugfix, cve-remediation and investigation, each valid against the schema', () => {
    assert.deepEqual(BUILTIN_BLUEPRINTS.map((b) => `${b.name}@${b.version}`), ['bugfix@1.0.0', 'cve-remediation@1.0.0', 'investigation@1.0.0']);
    for (const b of BUILTIN_BLUEPRINTS) assert.ok(BlueprintSchema.safeParse(b).success, b.name);
  });

  it('bugfix: reproduce, plan, implement, validate (after set-up)', () => {
    assert.deepEqual(roles(BUGFIX), ['setup', 'reproduce', 'plan', 'implement', 'reproduce', 'validate']);
  });

  it('cve-remediation ends by checking the dependency tree; investigation never implements', () => {
    assert.deepEqual(roles(CVE_REMEDIATION), ['setup', 'reproduce', 'implement', 'reproduce', 'validate', 'check']);
    assert.ok(!roles(INVESTIGATION).includes('implement'));
    assert.equal(roles(INVESTIGATION).at(-1), 'investigate');
  });

  it('the set-up station installs from the profile with egress only (registry hosts come from the profile)', () => {
    const s = BUGFIX.stations[0]!;
    assert.equal(s.kind === 'command' && s.from, 'profile.setup');
    assert.equal(s.environment?.network, 'egress');
    assert.deepEqual(s.environment?.egressAllow, []);
    for (const st of BUGFIX.stations.slice(1)) assert.notEqual(st.environment?.network, 'egress', st.id);
  });

  it('a team fork is merged over its parent: station fields, new stations in place, risk paths united', () => {
    const fork = aBlueprint()
      .with('name', 'team-bugfix')
      .with('tier', 'team')
      .with('forkOf', 'bugfix@1.0.0')
      .with('riskPaths', ['db/migrations/**'])
      .with('stations', [
        { id: 'implement', role: 'implement', kind: 'agent', agent: 'codex', gate: { when: 'both', allowSkip: false }, retries: 0 },
        { id: 'lint', role: 'check', kind: 'command', commands: [{ argv: ['npm', 'run', 'lint'] }], gate: { when: 'none', allowSkip: false }, retries: 0 },
      ])
      .build();
    const r = resolveBlueprint(fork);
    assert.equal(r.name, 'team-bugfix');
    assert.equal(r.forkOf, 'bugfix@1.0.0');
    assert.deepEqual(r.stations.map((s) => s.id), ['setup', 'reproduce', 'plan', 'implement', 'lint', 'reproduce-after', 'validate']);
    const impl = r.stations.find((s) => s.id === 'implement')!;
    assert.equal(impl.kind === 'agent' && impl.agent, 'codex');
    assert.equal(impl.gate.when, 'both');
    assert.equal(impl.kind === 'agent' && impl.prompt?.startsWith('Implement'), true, 'unset fields come from the parent');
    assert.deepEqual(r.riskPaths, ['db/migrations/**']);
  });

  it('refuses an unknown parent and a lineage cycle', () => {
    const orphan = aBlueprint().with('forkOf', 'nope@1.0.0').build();
    assert.throws(() => resolveBlueprint(orphan), /nope@1.0.0, which is not known/);
    const a = aBlueprint().with('name', 'a').with('forkOf', 'b@1.0.0').build();
    const b = aBlueprint().with('name', 'b').with('forkOf', 'a@1.0.0').build();
    assert.throws(() => resolveBlueprint(a, lookupIn([a, b])), /cycle/);
  });

  it('lookup picks the highest version for a bare name', () => {
    const v2 = { ...BUGFIX, version: '1.2.0' };
    assert.equal(lookupIn([v2])('bugfix')?.version, '1.2.0');
    assert.equal(lookupIn([v2])('bugfix@1.0.0')?.version, '1.0.0');
    assert.ok(compareSemver('1.10.0', '1.9.0') > 0);
    assert.ok(compareSemver('1.0.0-rc.1', '1.0.0') < 0);
  });
});
