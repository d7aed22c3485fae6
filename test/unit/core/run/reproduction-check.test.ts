import { strict as assert } from 'node:assert';
import { ExpectedFailureSchema } from '../../../../src/contracts';
import { judgeReproduction, reproductionTimeoutMs } from '../../../../src/core/run/reproduction-check';
import { contentHash } from '../../../../src/core/hash';
import { BUGFIX } from '../../../../src/core/blueprints';
import { runLine } from '../../../../src/core/run/engine';
import { renderEvidenceMarkdown } from '../../../../src/core/run/markdown';
import { fakePorts } from './fakes';
import { inputs, packet } from './inputs';

const exited = (exitCode: number, output = '') => ({ exitCode, endReason: 'exited', output });

// Outputs as the runtimes print them (node 20, python 3.11, bash), trimmed to the lines that matter.
const NODE_SYNTAX = "[eval]:1\nrequire('./')(\n              ^\n\nSyntaxError: missing ) after argument list\n    at makeContextifyScript (node:internal/vm:185:14)\n    at node:internal/process/execution:107:22\n";
const NODE_FILE_SYNTAX = "/w/repro.js:2\n})\n^\n\nSyntaxError: Unexpected token '}'\n    at wrapSafe (node:internal/modules/cjs/loader:1378:20)\n    at Module._compile (node:internal/modules/cjs/loader:1428:41)\n";
const NODE_JSON_THROWN = "undefined:1\n{bad\n ^\n\nSyntaxError: Expected property name or '}' in JSON at position 1\n    at JSON.parse (<anonymous>)\n    at parse (/w/index.js:12:15)\n    at Object.<anonymous> (/w/repro.js:3:1)\n";
const NODE_MISSING = "node:internal/modules/cjs/loader:1147\n  throw err;\n  ^\n\nError: Cannot find module 'left-pad'\nRequire stack:\n- /w/repro.js\n    at Module._resolveFilename (node:internal/modules/cjs/loader:1144:15) {\n  code: 'MODULE_NOT_FOUND',\n";
const NODE_ASSERT = "node:assert:399\n    throw err;\n    ^\n\nAssertionError [ERR_ASSERTION]: polluted\n    at Object.<anonymous> (/w/repro.js:4:8)\n";
const PY_SYNTAX = '  File "/w/repro.py", line 3\n    print(parse("x"\n               ^\nSyntaxError: \'(\' was never closed\n';
const PY_MISSING = 'Traceback (most recent call last):\n  File "/w/repro.py", line 1, in <module>\n    import yaml\nModuleNotFoundError: No module named \'yaml\'\n';

describe('core/run/reproduction-check: how a reproduction failed (issue 11)', () => {
  it('an ordinary failure reproduces; exit 0 does not', () => {
    assert.equal(judgeReproduction({}, exited(1, NODE_ASSERT)).verdict, 'reproduced');
    assert.equal(judgeReproduction({}, exited(0, 'ok')).verdict, 'not-reproduced');
  });

  it('a syntax error, a missing module or a missing program is refused, with the reason', () => {
    for (const [out, code, why] of [
      [NODE_SYNTAX, 1, 'syntax error'],
      [NODE_FILE_SYNTAX, 1, 'syntax error'],
      [PY_SYNTAX, 1, 'syntax error'],
      [NODE_MISSING, 1, 'module'],
      [PY_MISSING, 1, 'module'],
      ['bash: line 1: pocc: command not found\n', 127, 'not found'],
    ] as const) {
      const j = judgeReproduction({}, exited(code, out));
      assert.equal(j.verdict, 'refused', out);
      assert.match(j.reason, new RegExp(why));
    }
  });

  it('a SyntaxError thrown at run time by the code under test (JSON.parse) is a real failure', () => {
    assert.equal(judgeReproduction({}, exited(1, NODE_JSON_THROWN)).verdict, 'reproduced');
  });

  it('the stated exit code and output pattern must hold; a stated pattern may name what would otherwise be refused', () => {
    assert.equal(judgeReproduction({ expectFailure: { outputMatches: 'AssertionError.*polluted' } }, exited(1, NODE_ASSERT)).verdict, 'reproduced');
    const wrong = judgeReproduction({ expectFailure: { outputMatches: 'RangeError' } }, exited(1, NODE_ASSERT));
    assert.deepEqual([wrong.verdict, /does not match/.test(wrong.reason)], ['refused', true]);
    assert.equal(judgeReproduction({ expectFailure: { exitCode: 3 } }, exited(1, NODE_ASSERT)).verdict, 'refused');
    assert.equal(judgeReproduction({ expectFailure: { exitCode: 1 } }, exited(1, NODE_ASSERT)).verdict, 'reproduced');
    assert.equal(judgeReproduction({ expectFailure: { outputMatches: 'JSON at position' } }, exited(1, NODE_JSON_THROWN)).verdict, 'reproduced');
  });

  it('a stated hang: stopped at the bound reproduces, finishing with exit 0 does not, and the bound is the limit', () => {
    const spec = { expectFailure: { hangsPastSec: 2 } };
    assert.equal(judgeReproduction(spec, { exitCode: null, endReason: 'timeout', output: '' }).verdict, 'reproduced');
    assert.equal(judgeReproduction(spec, exited(0)).verdict, 'not-reproduced');
    assert.equal(reproductionTimeoutMs(spec, 60_000), 2000);
    assert.equal(reproductionTimeoutMs({}, 60_000), 60_000);
  });

  it('the contract refuses an outputMatches that is not a regular expression, naming the field', () => {
    const r = ExpectedFailureSchema.safeParse({ outputMatches: '(unclosed' });
    assert.equal(r.success, false);
    assert.deepEqual(r.error!.issues[0]!.path, ['outputMatches']);
  });
});

describe('core/run/engine: reproductions judged on the base commit (issue 11)', () => {
  it('a reproduction that fails with a syntax error ends ESCALATE invalid-reproduction and implement never starts', async () => {
    const f = fakePorts();
    f.environments.ends.repro = { exitCode: 1, endReason: 'exited', output: NODE_SYNTAX };
    const out = await runLine(inputs(), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['ESCALATE', 'invalid-reproduction']);
    assert.match(out.terminal.detail ?? '', /repro: not a reproduction: the script has a syntax error/);
    assert.equal(f.agents.calls.filter((c) => c.role === 'implement').length, 0);
  });

  it('a reproduction stated to hang is stopped at its bound, counts as reproduced (not retried) and passes once fixed', async () => {
    const f = fakePorts();
    const p = packet({ reproduction: [{ argv: ['hang'], expectFailure: { hangsPastSec: 3 } }] });
    const out = await runLine(inputs({ packet: p }), f.ports);
    assert.equal(out.terminal.state, 'PR_READY');
    assert.equal(f.environments.execs.filter((e) => e === 'hang').length, 2, 'once before, once after: never retried');
    const hangTimeouts = f.environments.execs.map((e, i) => [e, f.environments.timeouts[i]] as const).filter(([e]) => e === 'hang');
    assert.deepEqual(hangTimeouts.map(([, t]) => t), [3000, 3000]);
    assert.equal(out.evidence.reproduction.sha256, contentHash(p.reproduction));
    const md = renderEvidenceMarkdown(out.evidence);
    assert.ok(md.includes(`Reproduction hash (its commands as approved): \`${contentHash(p.reproduction)}\``));
    assert.match(md, /- `hang`: reproduced \(still running after 3 s, as stated\); expected: \{"hangsPastSec":3\}/);
    assert.match(md, /- `hang`: not-reproduced \(it exited 0/);
  });

  it('without a stated hang, a reproduction timeout stays the environment\'s (retried, then RETRYABLE_FAILURE)', async () => {
    const f = fakePorts();
    const out = await runLine(inputs({ packet: packet({ reproduction: [{ argv: ['hang'] }] }), blueprint: BUGFIX }), f.ports);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['RETRYABLE_FAILURE', 'timeout']);
  });
});
