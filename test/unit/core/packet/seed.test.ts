import { strict as assert } from 'node:assert';
import { guessSeedKind, parseSeed } from '../../../../src/core/packet/seed';
import { bareTestRef } from '../../../../src/core/packet/repro';

describe('core/packet/seed: intake of every seed kind', () => {
  it('issue pasted from a web page: chrome skipped, title, identifiers, paths with lines, blob links, code blocks, mentions', () => {
    const text = [
      'Skip to content',
      'Sign in',
      'Date parsing returns Invalid Date for empty strings #412',
      'Open',
      'When `parseDate("")` is called from src/index.js:3 it returns an Invalid Date instead of null.',
      'See https://github.com/acme/fx/blob/abc123/src/index.js#L2 and cc @acme/core',
      '```js',
      'const d = parseDate("");',
      '```',
      'It should return null.',
    ].join('\n');
    const f = parseSeed('issue', text);
    assert.equal(f.title?.text, 'Date parsing returns Invalid Date for empty strings');
    assert.equal(f.title?.seedLine, 3);
    assert.ok(f.identifiers.some((i) => i.name === 'parseDate' && i.strength === 'code' && i.seedLine === 5));
    assert.deepEqual(f.paths.map((p) => [p.path, p.line, p.seedLine]), [
      ['src/index.js', 3, 5],
      ['src/index.js', 2, 6],
    ]);
    assert.equal(f.codeBlocks.length, 1);
    assert.equal(f.codeBlocks[0]!.lang, 'js');
    assert.deepEqual(f.mentions, ['@acme/core']);
    assert.ok(f.normative.some((n) => /should return null/.test(n.text)));
    assert.ok(f.calls.some((c) => c.callee === 'parseDate' && c.args === '""'));
  });

  it('failing test, jest output: test name, file, stack frames (node_modules frames dropped)', () => {
    const text = [
      'FAIL test/index.test.js',
      '  ● dates › parses empty string',
      '',
      '    expect(received).toBeNull()',
      '      at Object.parseDate (/home/ci/repo/src/index.js:3:10)',
      '      at Object.<anonymous> (/home/ci/repo/test/index.test.js:3:10)',
      '      at Promise.then.completed (/home/ci/repo/node_modules/jest-circus/build/utils.js:298:28)',
    ].join('\n');
    assert.equal(guessSeedKind(text), 'failing-test');
    const f = parseSeed('failing-test', text);
    assert.deepEqual(f.tests.map((t) => [t.name, t.file, t.runner]), [['parses empty string', 'test/index.test.js', 'jest']]);
    assert.deepEqual(f.frames.map((x) => [x.path, x.line, x.depth]), [
      ['/home/ci/repo/src/index.js', 3, 0],
      ['/home/ci/repo/test/index.test.js', 3, 1],
    ]);
  });

  it('failing test, pytest output with a Python traceback: innermost frame first', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "/repo/tests/test_parse.py", line 4, in test_parse_empty',
      '    assert parse("") == ""',
      '  File "/repo/fx_poetry/__init__.py", line 2, in parse',
      '    return s',
      'AssertionError',
      'FAILED tests/test_parse.py::test_parse_empty - AssertionError',
    ].join('\n');
    const f = parseSeed('failing-test', text);
    assert.deepEqual(f.tests.map((t) => [t.name, t.file, t.runner]), [['test_parse_empty', 'tests/test_parse.py', 'pytest']]);
    assert.equal(f.frames[0]!.path, '/repo/fx_poetry/__init__.py');
    assert.equal(f.frames[0]!.depth, 0);
  });

  it('failing test, go / cargo / JUnit / mocha / rspec / dotnet / phpunit output', () => {
    const go = parseSeed('failing-test', '--- FAIL: TestParseEmpty (0.00s)\n    parse_test.go:5: bad\nFAIL\texample.com/fx/parse\t0.01s');
    assert.deepEqual(go.tests.map((t) => [t.name, t.runner, t.pkg]), [['TestParseEmpty', 'go', 'example.com/fx/parse']]);
    assert.equal(parseSeed('failing-test', 'test parser::tests::empty ... FAILED').tests[0]!.name, 'parser::tests::empty');
    assert.equal(parseSeed('failing-test', '[ERROR]   ParserTest.parsesEmpty:12 expected:<0>').tests[0]!.name, 'ParserTest#parsesEmpty');
    const java = parseSeed('failing-test', 'java.lang.NumberFormatException: For input string: ""\n\tat com.acme.core.Parser.parse(Parser.java:5)');
    assert.equal(java.frames[0]!.path, 'com/acme/core/Parser.java');
    const mocha = parseSeed('failing-test', '  1 failing\n\n  1) dates\n       parses empty string:\n     AssertionError: expected');
    assert.deepEqual(mocha.tests.map((t) => [t.name, t.runner]), [['parses empty string', 'mocha']]);
    assert.equal(parseSeed('failing-test', 'rspec ./spec/fx_spec.rb:2 # Fx works').tests[0]!.line, 2);
    assert.equal(parseSeed('failing-test', '  Failed Fx.Tests.ParserTests.Empty [12 ms]').tests[0]!.runner, 'dotnet');
    assert.equal(parseSeed('failing-test', '1) Tests\\FxTest::testEmpty').tests[0]!.name, 'Tests\\FxTest::testEmpty');
    assert.deepEqual(bareTestRef('tests/test_parse.py::test_parse_empty'), { name: 'test_parse_empty', file: 'tests/test_parse.py', runner: 'pytest', seedLine: 1 });
    assert.equal(bareTestRef('TestParseEmpty')!.runner, 'go');
  });

  it('security advisory: ids, call with its literal arguments, argument-list literal, normative sentence', () => {
    const text = "Security advisory (CVE-2021-44906): fx's parser pollutes prototypes. Parsing ['--__proto__.x', '1'] sets Object.prototype.x. Calling parse(['--a']) is safe. Parsing must never write through prototype chains.";
    assert.equal(guessSeedKind(text), 'advisory');
    const f = parseSeed('advisory', text);
    assert.deepEqual(f.advisoryIds, ['CVE-2021-44906']);
    assert.deepEqual(f.literals.map((l) => l.text), ["['--__proto__.x', '1']", "['--a']"]);
    assert.ok(f.calls.some((c) => c.callee === 'parse' && c.args === "['--a']"));
    assert.ok(f.identifiers.some((i) => i.name === 'Object.prototype.x'));
    assert.equal(f.normative[0]!.text, 'Parsing must never write through prototype chains.');
  });

  it('CI failure log (GitHub Actions): the failing step and the failing test', () => {
    const text = [
      '2024-05-01T10:00:00.0000000Z ##[group]Run npm ci',
      '2024-05-01T10:00:05.0000000Z ##[endgroup]',
      '2024-05-01T10:00:06.0000000Z ##[group]Run npm test',
      '2024-05-01T10:00:07.0000000Z FAIL test/index.test.js',
      '2024-05-01T10:00:07.0000000Z   ● dates › parses empty string',
      '2024-05-01T10:00:09.0000000Z ##[error]Process completed with exit code 1.',
    ].join('\n');
    assert.equal(guessSeedKind(text), 'ci-log');
    const f = parseSeed('ci-log', text);
    assert.deepEqual(f.failingCommand, { run: 'npm test', seedLine: 3 });
    assert.equal(f.tests[0]!.name, 'parses empty string');
  });

  it('editor selection and TODO/FIXME at the cursor', () => {
    const todo = parseSeed('todo', '  // TODO(ana): accept ISO week dates like 2024-W05');
    assert.deepEqual(todo.todo, { tag: 'TODO', text: 'accept ISO week dates like 2024-W05', seedLine: 1 });
    assert.equal(guessSeedKind('# FIXME: handle timeouts'), 'todo');
    const sel = parseSeed('selection', 'Return null for empty input\n\n```\nreturn new Date(s);\n```');
    assert.equal(sel.codeBlocks.length, 1);
    assert.ok(sel.calls.length === 0 || sel.calls.every((c) => c.callee !== 'return'));
  });
});

describe('core/packet/seed: constructors named in prose', () => {
  it('"new Range" makes Range a code identifier, whatever its case; a plain capitalised word does not', () => {
    const f = parseSeed('advisory', 'Versions before 7.5.2 are vulnerable to ReDoS via the function new Range, when untrusted data is provided. Range checks are slow.');
    assert.ok(f.identifiers.some((i) => i.name === 'Range' && i.strength === 'code' && i.seedLine === 1));
    const g = parseSeed('advisory', 'Range checks are slow.');
    assert.ok(!g.identifiers.some((i) => i.name === 'Range'));
  });
});
