import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { TaskPacketSchema } from '../../../../src/contracts';
import { draftPacket, packetId, vagueness } from '../../../../src/core/packet/draft';
import { approvePacket, approvalRefusal, approvalStatus, packetContentHash } from '../../../../src/core/packet/approval';
import { classifyRisk } from '../../../../src/core/packet/risk';
import { buildNodePoc, exportShape, isPlainLiteral } from '../../../../src/core/packet/poc';
import { parseSeed } from '../../../../src/core/packet/seed';
import { narrowestTestCommand } from '../../../../src/core/packet/repro';
import { profileRepository } from '../../../../src/core/profile/profile';
import { FakeRepoReader, FIXTURES } from '../profile/fake-reader';
import { aPacket } from '../../../support/builders';

const fixture = (name: string) => FakeRepoReader.fromDir(join(FIXTURES, name), [{ commit: 'c1', at: 1, paths: ['src/index.js'] }]);

describe('core/packet/draft', () => {
  it('failing test (jest output) on the npm fixture: scope from frames, narrowest jest command, validation from the profile', async () => {
    const text = 'FAIL test/index.test.js\n  ● dates › parses empty string\n\n      at Object.parseDate (/ci/repo/src/index.js:3:10)\n      at Object.<anonymous> (/ci/repo/test/index.test.js:3:10)';
    const { packet } = await draftPacket({ seed: { kind: 'failing-test', text }, reader: fixture('npm') });
    TaskPacketSchema.parse(packet);
    assert.equal(packet.scope.paths[0]!.path, 'src/index.js');
    assert.equal(packet.scope.paths[0]!.origin?.source, 'seed');
    assert.deepEqual(packet.reproduction[0]!.argv, ['npx', 'jest', 'test/index.test.js', '-t', 'parses empty string']);
    assert.equal(packet.reproduction[0]!.origin?.line, 2);
    assert.deepEqual(packet.validation.slice(1).map((c) => c.argv.join(' ')), ['npm test', 'npm run lint', 'npm run build']);
    assert.deepEqual(packet.flags, []);
    assert.ok(packet.nonGoals.some((g) => /weaken/.test(g)));
    assert.equal(packet.provenance?.['intent']?.source, 'seed');
    assert.equal(packet.baseCommit, '0123456789abcdef0123456789abcdef01234567');
  });

  it('issue naming an identifier: scope by grep (definition first); no reproduction is flagged, not invented', async () => {
    const { packet } = await draftPacket({ seed: { kind: 'issue', text: 'parseDate returns an Invalid Date for an empty string; it should return null.' }, reader: fixture('npm') });
    assert.equal(packet.scope.paths[0]!.path, 'src/index.js');
    assert.equal(packet.scope.paths[0]!.origin?.file, 'src/index.js');
    assert.ok(packet.flags.includes('no-reproduction'));
    assert.deepEqual(packet.reproduction, []);
    // The reproduce station writes one; if it passes on the base commit, the run ends NO_OP.
    assert.ok(packet.noOpRules.some((r) => r.when === 'reproduction-passes-before-change' && r.then === 'NO_OP'));
    assert.match(packet.intent, /should return null/);
  });

  it('TODO at the cursor: the ref file first, intent from the TODO text', async () => {
    const { packet } = await draftPacket({ seed: { kind: 'todo', text: '  // TODO: accept ISO week dates', ref: 'src/index.js:2' }, reader: fixture('npm') });
    assert.equal(packet.scope.paths[0]!.path, 'src/index.js');
    assert.equal(packet.intent, 'Resolve the TODO at src/index.js:2: accept ISO week dates');
    assert.ok(!packet.flags.includes('missing-context'));
  });

  it('a selection without a note, and vague issues, are flagged missing-context with no scope and no task', async () => {
    const sel = await draftPacket({ seed: { kind: 'selection', text: '```\nreturn new Date(s);\n```', ref: 'src/index.js:3' }, reader: fixture('npm') });
    assert.ok(sel.packet.flags.includes('missing-context'));
    for (const text of ['Parsing is broken sometimes, please fix.', 'Make the quoting better.']) {
      const { packet } = await draftPacket({ seed: { kind: 'issue', text }, reader: fixture('npm') });
      assert.ok(packet.flags.includes('missing-context'), text);
      assert.deepEqual(packet.scope.paths, []);
      assert.deepEqual(packet.reproduction, []);
      assert.equal(packet.outputFormat, 'escalation');
      assert.deepEqual(packet.noOpRules.map((r) => [r.when, r.then]), [['missing-context', 'ESCALATE']]);
    }
  });

  it('risk: auth paths in scope raise to hard-stop with the reason', async () => {
    const { packet } = await draftPacket({ seed: { kind: 'issue', text: 'login() in src/auth/session.js drops the user id' }, reader: fixture('npm') });
    assert.equal(packet.scope.paths[0]!.path, 'src/auth/session.js');
    assert.equal(packet.risk, 'hard-stop');
    assert.ok(packet.riskReasons.some((r) => /authentication/.test(r)));
  });

  it('CODEOWNERS: owners appear in the scope note', async () => {
    const { packet } = await draftPacket({ seed: { kind: 'issue', text: 'login() in src/auth/session.js drops the user id, cc @acme/security' }, reader: fixture('npm') });
    assert.match(packet.scope.paths[0]!.origin!.note!, /@acme\/security/);
  });

  it('narrowest test commands per ecosystem', async () => {
    const go = await profileRepository(fixture('go'));
    const t = parseSeed('failing-test', '--- FAIL: TestParseEmpty (0.00s)\nFAIL\texample.com/fx/parse\t0.01s').tests[0]!;
    assert.deepEqual(narrowestTestCommand(t, go)?.argv, ['go', 'test', './parse', '-run', '^TestParseEmpty$']);
    const py = await profileRepository(fixture('python-poetry'));
    assert.deepEqual(narrowestTestCommand({ name: 'test_parse_empty', file: 'tests/test_parse.py', runner: 'pytest', seedLine: 1 }, py)?.argv, ['poetry', 'run', 'pytest', 'tests/test_parse.py::test_parse_empty']);
    const mvn = await profileRepository(fixture('maven'));
    assert.deepEqual(narrowestTestCommand({ name: 'ParserTest#parsesEmpty', runner: 'junit', seedLine: 1 }, mvn)?.argv, ['./mvnw', '-B', '-Dtest=ParserTest#parsesEmpty', 'test']);
    const gradle = await profileRepository(fixture('gradle'));
    assert.deepEqual(narrowestTestCommand({ name: 'ParserTest#parsesEmpty', runner: 'junit', seedLine: 1 }, gradle)?.argv, ['./gradlew', '--no-daemon', 'test', '--tests', '*ParserTest.parsesEmpty']);
    const rb = await profileRepository(fixture('ruby'));
    assert.deepEqual(narrowestTestCommand({ name: 'works', file: 'spec/fx_spec.rb', line: 2, runner: 'rspec', seedLine: 1 }, rb)?.argv, ['bundle', 'exec', 'rspec', 'spec/fx_spec.rb:2']);
    const net = await profileRepository(fixture('dotnet'));
    assert.deepEqual(narrowestTestCommand({ name: 'Fx.Tests.ParserTests.Empty', runner: 'dotnet', seedLine: 1 }, net)?.argv, ['dotnet', 'test', 'Fx.sln', '--filter', 'FullyQualifiedName~Fx.Tests.ParserTests.Empty']);
    const cargo = await profileRepository(fixture('cargo'));
    assert.deepEqual(narrowestTestCommand({ name: 'tests::empty', runner: 'cargo', seedLine: 1 }, cargo)?.argv, ['cargo', 'test', 'tests::empty', '--', '--exact']);
    const php = await profileRepository(fixture('php'));
    assert.deepEqual(narrowestTestCommand({ name: 'Tests\\FxTest::testEmpty', runner: 'phpunit', seedLine: 1 }, php)?.argv, ['vendor/bin/phpunit', '--filter', 'testEmpty']);
  });

  it('CI log without a recognisable test: the failing step is the reproduction', async () => {
    const text = '##[group]Run make test\n./run-tests.sh: segfault\n##[error]Process completed with exit code 2.';
    const { packet } = await draftPacket({ seed: { kind: 'ci-log', text }, reader: fixture('make') });
    assert.deepEqual(packet.reproduction[0]!.argv, ['make', 'test']);
    assert.equal(packet.reproduction[0]!.origin?.line, 1);
  });

  it('packet ids are short, filename-safe and stable', () => {
    const id = packetId({ kind: 'issue', text: 'x' }, 'Date parsing: returns Invalid Date!', 'abc');
    assert.match(id, /^issue-date-parsing-returns-invalid-date-[0-9a-f]{6}$/);
    assert.equal(id, packetId({ kind: 'issue', text: 'x' }, 'Date parsing: returns Invalid Date!', 'abc'));
    assert.ok(TaskPacketSchema.shape.id.safeParse(id).success);
  });

  it('vagueness: a long plain-words report is actionable; three words are not', () => {
    assert.equal(vagueness(parseSeed('issue', 'The export button on the invoices page downloads an empty spreadsheet whenever the date filter spans two calendar years'), false), undefined);
    assert.match(vagueness(parseSeed('issue', 'Fix the export.'), false)!, /says too little/);
  });
});

describe('core/packet/poc: advisory proof-of-concept to node -e', () => {
  it('accepts only plain-data literals', () => {
    assert.ok(isPlainLiteral(`['--a', 1, {x: 'y'}, [true, null]]`));
    assert.ok(!isPlainLiteral(`[require('child_process').execSync('id')]`));
    assert.ok(!isPlainLiteral('[`${process.env.HOME}`]'));
    assert.ok(!isPlainLiteral(`['a', process]`));
  });
  it('reads the export shape of an entry file', () => {
    assert.deepEqual([...exportShape('exports.quote = function (xs) {}; exports.parse = function () {}').named], ['quote', 'parse']);
    assert.ok(exportShape('module.exports = function (args, opts) {}').callableDefault);
  });
  it('refuses when the seed smuggles code through the call, or names no observable effect', () => {
    const f = parseSeed('advisory', "quote([require('fs').rmSync('/')]) returns a string that starts with a backtick.");
    assert.equal(buildNodePoc(f, 'exports.quote = function () {}', 'q'), undefined);
    const g = parseSeed('advisory', "quote(['a']) is wrong.");
    assert.equal(buildNodePoc(g, 'exports.quote = function () {}', 'q'), undefined);
  });
  it('a denial of service states its hang bound, so a call that never returns is reproduced instead of timing out (issue 11)', () => {
    const f = parseSeed('advisory', "parse('((((((((((((((((((((x') hangs the process: catastrophic backtracking in the tokenizer.");
    const poc = buildNodePoc(f, 'exports.parse = function (s) {}', 'p');
    assert.deepEqual(poc?.expectFailure, { hangsPastSec: 10 });
    assert.match(poc!.oracle, /does not return within 10 s/);
    const t = parseSeed('advisory', "parse('x') throws a TypeError.");
    assert.equal(buildNodePoc(t, 'exports.parse = function (s) {}', 'p')?.expectFailure, undefined);
  });
});

describe('core/packet/approval', () => {
  it('approval records who, when and the content hash; any later edit invalidates it', () => {
    const p = aPacket().build();
    assert.equal(approvalStatus(p).state, 'unapproved');
    const a = approvePacket(p, 'Ana <ana@example.com>', '2026-01-02T03:04:05.000Z');
    assert.equal(approvalStatus(a).state, 'approved');
    assert.equal(a.approval!.contentHash, packetContentHash(p));
    assert.ok(TaskPacketSchema.safeParse(a).success);
    assert.equal(approvalStatus({ ...a, $schema: './schema.json' } as typeof a).state, 'approved', '$schema is editor metadata, not content');
    const edited = { ...a, intent: a.intent + ' And more.' };
    assert.equal(approvalStatus(edited).state, 'stale');
  });

  it('a run is refused without an approval, and a stale one names the fields edited since', () => {
    const p = aPacket().build();
    assert.match(approvalRefusal(p)!, /not approved/);
    const a = approvePacket(p, 'Ana <ana@example.com>', '2026-01-02T03:04:05.000Z');
    assert.equal(approvalRefusal(a), undefined);
    const edited = { ...a, intent: 'Something else.', risk: 'hard-stop' as const };
    assert.equal(approvalRefusal(edited), "the packet's approval by Ana <ana@example.com> is stale after an edit of fields intent, risk: approve it again");
    const { fields: _f, ...old } = a.approval!;
    assert.equal(approvalRefusal({ ...edited, approval: old }), "the packet's approval by Ana <ana@example.com> is stale after an edit: approve it again", 'an approval from before field hashes still refuses');
  });
});

describe('core/packet/risk', () => {
  it('classifies by path words and never proposes auto-ship', () => {
    assert.equal(classifyRisk(['src/parse.js'], 'issue').risk, 'one-reviewer');
    for (const p of ['src/AuthService.java', 'app/billing/invoice.rb', 'lib/crypto/hmac.go', 'db/migrations/001.sql', '.github/workflows/ci.yml', '.devcontainer/devcontainer.json', 'package-lock.json'])
      assert.equal(classifyRisk([p], 'issue').risk, 'hard-stop', p);
    assert.equal(classifyRisk(['src/tokenizer.js', 'src/author.js'], 'issue').risk, 'one-reviewer');
  });
});
