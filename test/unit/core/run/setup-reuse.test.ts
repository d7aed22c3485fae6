import { strict as assert } from 'node:assert';
import type { CommandSpec } from '../../../../src/contracts';
import { runLine } from '../../../../src/core/run/engine';
import { dependencyReuseKey } from '../../../../src/core/run/setup-reuse';
import { fakePorts, FakeWorkspace } from './fakes';
import { inputs } from './inputs';

const LOCK = JSON.stringify({ name: 'app', lockfileVersion: 3, packages: { '': { dependencies: { 'left-pad': '1.3.0' } }, 'node_modules/left-pad': { version: '1.3.0' } } });
const manifest = (over: Record<string, unknown> = {}) => JSON.stringify({ name: 'app', version: '1.0.0', scripts: { test: 'node test.js' }, dependencies: { 'left-pad': '1.3.0' }, ...over });
const NPM_CI: CommandSpec[] = [{ argv: ['npm', 'ci'] }];
const key = (files: Record<string, string | undefined>, specs = NPM_CI, image?: string) => dependencyReuseKey(files, specs, image);

describe('core/run/setup-reuse: which set-up results another commit may reuse', () => {
  it('the same lockfile and dependency fields give the same key, whatever else package.json changed', () => {
    const a = key({ 'package.json': manifest(), 'package-lock.json': LOCK });
    const b = key({ 'package.json': manifest({ version: '1.0.1', description: 'x', scripts: { test: 'mocha', lint: 'eslint .' } }), 'package-lock.json': LOCK });
    assert.ok('key' in a && 'key' in b);
    assert.equal(a.key, b.key);
  });

  it('another lockfile, dependency, override, engine, command or image gives another key', () => {
    const base = key({ 'package.json': manifest(), 'package-lock.json': LOCK }) as { key: string };
    const others = [
      key({ 'package.json': manifest(), 'package-lock.json': LOCK.replace('1.3.0', '1.2.0') }),
      key({ 'package.json': manifest({ dependencies: { 'left-pad': '^1.3.0' } }), 'package-lock.json': LOCK }),
      key({ 'package.json': manifest({ overrides: { 'left-pad': '1.2.0' } }), 'package-lock.json': LOCK }),
      key({ 'package.json': manifest({ engines: { node: '>=20' } }), 'package-lock.json': LOCK }),
      key({ 'package.json': manifest(), 'package-lock.json': LOCK }, [{ argv: ['npm', 'install'] }]),
      key({ 'package.json': manifest(), 'package-lock.json': LOCK }, NPM_CI, 'node:22'),
      key({ 'package.json': manifest(), 'package-lock.json': LOCK, 'yarn.lock': 'x' }),
    ];
    for (const [i, o] of others.entries()) {
      assert.ok('key' in o, `case ${i}`);
      assert.notEqual(o.key, base.key, `case ${i}`);
    }
  });

  it('is refused, saying why, where an install leaves more than dependency trees or its inputs are not all read', () => {
    const refused = (r: ReturnType<typeof dependencyReuseKey>) => ('refused' in r ? r.refused : 'not refused');
    assert.match(refused(key({ 'package.json': manifest({ scripts: { prepare: 'tsc' } }), 'package-lock.json': LOCK })), /install scripts \(prepare\)/);
    assert.match(refused(key({ 'package.json': manifest({ scripts: { postinstall: 'node build.js' } }), 'package-lock.json': LOCK })), /install scripts \(postinstall\)/);
    assert.match(refused(key({ 'package.json': manifest({ workspaces: ['packages/*'] }), 'package-lock.json': LOCK })), /workspaces/);
    assert.match(refused(key({ 'package.json': manifest() })), /no lockfile/);
    assert.match(refused(key({ 'package-lock.json': LOCK })), /no package\.json/);
    assert.match(refused(key({ 'package.json': '{ nope', 'package-lock.json': LOCK })), /not JSON/);
    assert.match(refused(key({ 'package.json': '[1]', 'package-lock.json': LOCK })), /not an object/);
    assert.match(refused(key({ 'package.json': manifest(), 'package-lock.json': LOCK }, [{ argv: ['npm', 'ci'] }, { argv: ['npm', 'run', 'build'] }])), /more than a package install at the root \(npm run build\)/);
    assert.match(refused(key({ 'package.json': manifest(), 'package-lock.json': LOCK }, [{ argv: ['npm', 'ci'], cwd: 'web' }])), /more than a package install/);
    assert.match(refused(key({ 'package.json': manifest(), 'package-lock.json': LOCK }, [])), /no command/);
  });
});

/** A workspace at another base commit whose committed files are `files`. */
class CommittedWorkspace extends FakeWorkspace {
  constructor(base: string, private readonly files: Record<string, string>) {
    super('/ws/run', base);
  }
  async baseFile(rel: string) {
    return this.files[rel];
  }
}

describe('core/run/setup-reuse: in the line', () => {
  const npmInputs = () => inputs({ profile: { setup: [{ argv: ['npm', 'ci'] }], dependencyCheck: [{ argv: ['deps'] }], registryHosts: ['registry.npmjs.org'] } });

  it('a run on another commit with the same lockfile restores the dependency trees and runs no install; a changed lockfile installs again', async () => {
    const saved = new Map<string, string | undefined>();
    const restored: string[] = [];
    const setupCache = {
      restore: async (k: string) => (saved.has(k) ? (restored.push(k), true) : false),
      save: async (k: string, _ws: unknown, o?: { only?: string }) => void saved.set(k, o?.only),
    };
    const files = { 'package.json': manifest(), 'package-lock.json': LOCK };
    const run = async (base: string, committed: Record<string, string>) => {
      const f = fakePorts({ setupCache });
      const ws = new CommittedWorkspace(base, committed);
      (f.ports.workspaces as unknown as { ws: FakeWorkspace }).ws = ws;
      (f.environments as unknown as { ws: FakeWorkspace }).ws = ws;
      (f.agents as unknown as { ws: FakeWorkspace }).ws = ws;
      const out = await runLine(npmInputs(), f.ports);
      return { out, installs: f.environments.execs.filter((e) => e === 'npm ci').length };
    };
    const first = await run('a'.repeat(40), files);
    assert.equal(first.installs, 1);
    assert.deepEqual([...saved.values()], ['dependency-trees'], 'a plain install is kept as dependency trees only');
    const second = await run('b'.repeat(40), { ...files, 'package.json': manifest({ version: '1.0.1' }) });
    assert.equal(second.installs, 0, 'the second commit did not install');
    assert.equal(restored.length, 1);
    assert.equal(second.out.terminal.state, first.out.terminal.state);
    const third = await run('c'.repeat(40), { ...files, 'package-lock.json': LOCK.replace('1.3.0', '1.2.0') });
    assert.equal(third.installs, 1, 'another lockfile installs');
  });

  it('with an install script, the result is kept per base commit, never for other commits', async () => {
    const saved: Array<string | undefined> = [];
    const setupCache = { restore: async () => false, save: async (_k: string, _ws: unknown, o?: { only?: string }) => void saved.push(o?.only) };
    const f = fakePorts({ setupCache });
    const ws = new CommittedWorkspace('d'.repeat(40), { 'package.json': manifest({ scripts: { prepare: 'tsc' } }), 'package-lock.json': LOCK });
    (f.ports.workspaces as unknown as { ws: FakeWorkspace }).ws = ws;
    (f.environments as unknown as { ws: FakeWorkspace }).ws = ws;
    (f.agents as unknown as { ws: FakeWorkspace }).ws = ws;
    await runLine(npmInputs(), f.ports);
    assert.deepEqual(saved, [undefined]);
  });
});
