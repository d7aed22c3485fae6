import { strict as assert } from 'node:assert';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BlueprintSchema, type Blueprint } from '../../../src/contracts';
import { contentHash } from '../../../src/core/hash';
import { RegistryNameError } from '../../../src/core/registry';
import { adopt, adoptionOf, drift, forkInto, PromotionRefusedError, RegistryRefusedError, update, UpdateConflictError } from '../../../src/adapters/registry';
import { bareRegistry, client, everyUpdateFastForward, freePort, git, gitDaemon, outcome, scratch, teamBlueprint } from './support';

const WS = 'c'.repeat(64);
const hashOf = (b: Blueprint) => contentHash(BlueprintSchema.parse(b));

describe('registry: operations against a real bare repository', function () {
  this.timeout(120_000);

  it('publishes once: the same content again is a no-op, other content is refused, yank is the only change', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const reg = await client(bare, root, 'a');
    const bp = teamBlueprint('checkout-fix');
    const first = await reg.publish(bp, { by: 'alice', workspace: WS });
    assert.equal(first.pushed, true);
    assert.equal(first.record.hash, hashOf(bp));
    assert.equal((await reg.publish(bp, { by: 'alice', workspace: WS })).pushed, false);
    const other = await client(bare, root, 'b');
    await assert.rejects(other.publish({ ...bp, maxRevisions: 5 }, { by: 'bob', workspace: WS }), (e: unknown) => e instanceof RegistryRefusedError && /already published with other content/.test((e as Error).message));
    await assert.rejects(other.publish({ ...bp, tier: 'domain' }, { by: 'bob', workspace: WS }), /already published in the team tier/);
    const head = git(bare, 'rev-parse', 'main');
    const y = await other.yank('checkout-fix@1.0.0', { by: 'bob', reason: 'breaks on monorepos' });
    assert.equal(y.yanked?.reason, 'breaks on monorepos');
    assert.equal(y.hash, first.record.hash, 'a yank keeps the content');
    assert.notEqual(git(bare, 'rev-parse', 'main'), head);
    const snap = await reg.pull();
    assert.equal(snap.versions[0]!.record.yanked?.by, 'bob');
    assert.equal(readFileSync(join(reg.clone.dir, first.record.path), 'utf8').includes('"maxRevisions": 2'), true, 'the published file is the original');
    assert.deepEqual(everyUpdateFastForward(bare).rewrites, []);
  });

  it('rejects hostile names before any path is built, and ignores hostile files someone pushed by hand', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const reg = await client(bare, root, 'a');
    await reg.publish(teamBlueprint('good'), { by: 'a', workspace: WS });
    const head = git(bare, 'rev-parse', 'main');
    const ws = join(root, 'ws');
    mkdirSync(ws);
    const before = readdirSync(root).sort();
    await assert.rejects(reg.yank('../../escape@1.0.0', { by: 'a', reason: 'x' }), RegistryNameError);
    await assert.rejects(reg.yank('con@1.0.0', { by: 'a', reason: 'x' }), /reserved device name/);
    await assert.rejects(reg.promote('good@1.0.0+evil', { by: 'a' }), /build metadata/);
    await assert.rejects(reg.fork('good@1.0.0', { name: 'Good', by: 'a', workspace: WS }), /upper-case/);
    await assert.rejects(reg.fork('good@1.0.0', { name: 'gооd', by: 'a', workspace: WS }), /non-ASCII character U\+043E/);
    await assert.rejects(reg.fork('good@1.0.0', { name: `g${'o'.repeat(64)}d`, by: 'a', workspace: WS }), /longer than 64/);
    await assert.rejects(reg.yank('Good@1.0.0', { by: 'a', reason: 'x' }), /upper-case/, 'case folding: Good and good would be one folder on a case-insensitive disk');
    await assert.rejects(reg.sync([outcome('good', '1.0.0', 'a'.repeat(64), 1, { runId: '../../../tmp/x' })]), /run id/);
    await assert.rejects(reg.sync([outcome('nul', '1.0.0', 'a'.repeat(64), 1)]), /reserved device name/);
    await assert.rejects(reg.publish({ ...teamBlueprint('x'), name: '../x' }, { by: 'a', workspace: WS }), /not a valid blueprint: name/);
    await assert.rejects(adopt(reg, ws, 'good/../../x@1.0.0'), RegistryNameError);
    assert.deepEqual(readdirSync(root).sort(), before, 'nothing new outside the state folder');
    assert.equal(reg.queue.entries().length, 0, 'nothing was queued');
    assert.equal(git(bare, 'rev-parse', 'main'), head, 'nothing was pushed');
    assert.equal(existsSync(join(ws, '.shopfloor')), false);
    // A registry URL is never an option or a program.
    await assert.rejects(client('--upload-pack=touch /tmp/pwned', root, 'evil'), /refusing registry URL/);
    await assert.rejects(client('ext::sh -c touch% /tmp/pwned', root, 'evil2'), /refusing registry URL/);
    // A file with a hostile name pushed by someone with plain git is listed as a problem and never read as a record.
    const other = join(root, 'other');
    git(root, 'clone', '-q', bare, other);
    mkdirSync(join(other, 'blueprints', 'team', 'CON', '1.0.0'), { recursive: true });
    writeFileSync(join(other, 'blueprints', 'team', 'CON', '1.0.0', 'version.json'), '{}');
    git(other, 'add', '.');
    git(other, 'commit', '-q', '-m', 'hostile');
    git(other, 'push', '-q', 'origin', 'HEAD:main');
    const snap = await reg.pull();
    assert.equal(snap.versions.length, 1);
    assert.equal(snap.problems.length, 1);
    assert.match(snap.problems[0]!, /blueprints\/team\/CON\/1\.0\.0\/version\.json: not a registry path/);
  });

  it('promotion refuses a version whose outcomes fall short, says which figure, and promotes once they do not', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const reg = await client(bare, root, 'a');
    const v1 = teamBlueprint('lint-fix', '1.0.0');
    const v2 = teamBlueprint('lint-fix', '1.1.0', { maxRevisions: 3 });
    await reg.publish(v1, { by: 'a', workspace: WS });
    await reg.publish(v2, { by: 'a', workspace: WS });
    await assert.rejects(reg.promote('lint-fix@1.0.0', { by: 'a' }), (e: unknown) => e instanceof PromotionRefusedError && /runs: 0 recorded, at least 10 runs/.test((e as Error).message));
    await reg.sync(Array.from({ length: 20 }, (_, i) => outcome('lint-fix', '1.0.0', hashOf(v1), i)));
    const p1 = await reg.promote('lint-fix@1.0.0', { by: 'a' });
    assert.equal(p1.to, 'production');
    // 1.1.0 passes validation on the first attempt in 4 of 15 runs: worse than production's 20 of 20 beyond the intervals.
    await reg.sync(Array.from({ length: 15 }, (_, i) => outcome('lint-fix', '1.1.0', hashOf(v2), 100 + i, { firstAttemptValidation: i < 4 ? 'passed' : 'failed' })));
    await assert.rejects(reg.promote('lint-fix@1.1.0', { by: 'a' }), (e: unknown) => {
      assert.ok(e instanceof PromotionRefusedError);
      assert.deepEqual(e.decision.shortfalls.map((s) => s.split(':')[0]), ['firstAttemptValidation']);
      assert.match(e.message, /firstAttemptValidation: 26\.7% .*n=15\), needs not worse than production 100\.0%/);
      return true;
    });
    const snap = await reg.pull();
    assert.deepEqual(snap.versions.map((v) => `${v.record.version}:${v.channel}`).sort(), ['1.0.0:production', '1.1.0:candidate']);
    // A bare name adopts the latest production version, not the newer candidate.
    const ws = join(root, 'ws');
    mkdirSync(ws);
    const adopted = (await adopt(reg, ws, 'lint-fix')).record;
    assert.deepEqual([adopted.source, adopted.channel], ['lint-fix@1.0.0', 'production']);
    assert.equal(snap.promotions.length, 1, 'the refused promotion left no record');
    const stats = await reg.stats();
    const v11 = stats.versions.find((v) => v.version === '1.1.0')!;
    assert.deepEqual([v11.runs, v11.firstAttemptValidation.k, v11.firstAttemptValidation.n], [15, 4, 15]);
  });

  it('a fork updated after its parent moved keeps its local edit; a conflicting one stops with the conflict shown', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const platform = await client(bare, root, 'platform');
    const parent = teamBlueprint('web-bugfix', '1.0.0');
    await platform.publish(parent, { by: 'platform', workspace: WS });
    const ws = join(root, 'team-ws');
    mkdirSync(ws);
    const team = await client(bare, root, 'team');
    const f = await forkInto(team, ws, 'web-bugfix@1.0.0', { name: 'payments-bugfix', by: 'team', workspaceId: WS });
    assert.equal(f.blueprint.forkOf, undefined, 'a whole copy: the resolver does not merge it over a parent');
    assert.equal(f.record.source, 'web-bugfix@1.0.0');
    const snap0 = await team.pull();
    assert.equal(snap0.versions.find((v) => v.record.name === 'payments-bugfix')?.record.lineage?.parent, 'web-bugfix@1.0.0');
    // The team edits its copy: a prompt on the implement station.
    const local = JSON.parse(readFileSync(f.file, 'utf8'));
    local.stations[1].prompt = 'Never touch the ledger module.';
    writeFileSync(f.file, JSON.stringify(local, null, 2));
    // The parent moves: more revise rounds.
    await platform.publish({ ...parent, version: '1.1.0', maxRevisions: 4 }, { by: 'platform', workspace: WS });
    const d = await drift(team, ws);
    assert.equal(d[0]!.versionsBehind, 1);
    assert.deepEqual(d[0]!.differences.map((x) => `${x.op}${x.line.trim()}`).sort(), ['+"maxRevisions": 2,', '+"prompt": "Never touch the ledger module.",', '-"maxRevisions": 4,'].sort());
    const u = await update(team, ws, 'payments-bugfix');
    assert.equal(u.status, 'updated');
    const merged = JSON.parse(readFileSync(f.file, 'utf8'));
    assert.equal(merged.stations[1].prompt, 'Never touch the ledger module.', 'local edit kept');
    assert.equal(merged.maxRevisions, 4, "parent's change taken");
    assert.equal(merged.name, 'payments-bugfix');
    assert.equal(adoptionOf(ws, 'payments-bugfix')?.source, 'web-bugfix@1.1.0');
    assert.equal((await drift(team, ws))[0]!.versionsBehind, 0);
    // Now both change maxRevisions: the update stops and shows both sides.
    merged.maxRevisions = 1;
    writeFileSync(f.file, JSON.stringify(merged, null, 2));
    const beforeText = readFileSync(f.file, 'utf8');
    await platform.publish({ ...parent, version: '1.2.0', maxRevisions: 6 }, { by: 'platform', workspace: WS });
    await assert.rejects(update(team, ws, 'payments-bugfix'), (e: unknown) => {
      assert.ok(e instanceof UpdateConflictError);
      assert.match(e.message, /<<<<<<< local[\s\S]*"maxRevisions": 1[\s\S]*\|\|\|\|\|\|\| base[\s\S]*"maxRevisions": 4[\s\S]*=======[\s\S]*"maxRevisions": 6[\s\S]*>>>>>>> parent/);
      assert.ok(existsSync(e.conflictFile));
      return true;
    });
    assert.equal(readFileSync(f.file, 'utf8'), beforeText, 'the copy is unchanged after a conflict');
    assert.equal(adoptionOf(ws, 'payments-bugfix')?.source, 'web-bugfix@1.1.0');
  });

  it('adopt copies a pinned version with a record of its source; its hash is the one a run records', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const reg = await client(bare, root, 'a');
    const bp = teamBlueprint('docs-fix');
    const { record } = await reg.publish(bp, { by: 'a', workspace: WS });
    const ws = join(root, 'ws');
    mkdirSync(ws);
    const a = await adopt(reg, ws, 'docs-fix@1.0.0');
    assert.equal(a.record.sourceHash, record.hash);
    const copy = BlueprintSchema.parse(JSON.parse(readFileSync(join(ws, '.shopfloor', 'blueprints', 'docs-fix.json'), 'utf8')));
    assert.equal(contentHash(copy), record.hash, 'the engine hashes the parsed blueprint the same way (engine.ts contentHash(this.bp))');
    await assert.rejects(adopt(reg, ws, 'missing@1.0.0'), /not in the registry/);
    await reg.publish({ ...teamBlueprint('bugfix'), tier: 'domain' }, { by: 'a', workspace: WS });
    await assert.rejects(adopt(reg, ws, 'bugfix@1.0.0'), /built-in blueprint/);
  });
});

describe('registry: offline sync queues and later delivers (git daemon on loopback)', function () {
  this.timeout(120_000);
  let daemon: ChildProcess | undefined;
  after(() => daemon?.kill());

  it('queues while the remote is unreachable, delivers once it is back, never twice', async () => {
    const root = scratch();
    const bare = await bareRegistry(root);
    const port = await freePort();
    const reg = await client(`git://127.0.0.1:${port}/registry.git`, root, 'laptop');
    const records = Array.from({ length: 3 }, (_, i) => outcome('offline', '1.0.0', 'a'.repeat(64), i));
    const r1 = await reg.sync(records);
    assert.equal(r1.delivered, 0);
    assert.equal(r1.queued, 3);
    assert.match(r1.error ?? '', /unreachable/);
    const r2 = await reg.sync([outcome('offline', '1.0.0', 'a'.repeat(64), 3)]);
    assert.equal(r2.queued, 4, 'a later sync adds to the queue');
    daemon = await gitDaemon(root, port);
    // The queue is on disk: a later process (the editor restarted, the next CLI run) with the same state folder delivers it with its own next sync.
    const later = await client(`git://127.0.0.1:${port}/registry.git`, root, 'laptop');
    assert.equal(later.queue.entries().length > 0, true, 'the queue survived the process');
    const r3 = await later.sync([outcome('offline', '1.0.0', 'a'.repeat(64), 4)]);
    assert.deepEqual([r3.delivered, r3.queued, r3.error], [5, 0, undefined]);
    assert.equal(git(bare, 'ls-tree', '-r', '--name-only', 'main').split('\n').filter((p) => p.startsWith('outcomes/offline/1.0.0/')).length, 5);
    assert.equal((await reg.flush()).delivered, 0, 'nothing is delivered twice');
    const r4 = await reg.sync(records);
    assert.deepEqual([r4.delivered, r4.alreadyThere], [0, 3], 'records already delivered are not written again');
  });
});
