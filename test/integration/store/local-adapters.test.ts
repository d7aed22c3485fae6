import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { OUTPUT_TAIL_CHARS } from '../../../src/contracts';
import { LocalEnvironmentProvider } from '../../../src/adapters/local/local-environment';
import { TerminalGatekeeper } from '../../../src/cli/terminal-prompt';
import { reviewerRejections } from '../../../src/core/run/gates';
import type { EnvironmentRequest, Gate } from '../../../src/core/run/ports';

const request = (dir: string, over: Partial<EnvironmentRequest> = {}): EnvironmentRequest => ({
  runId: 'r', stationId: 's', workspaceDir: dir, network: { mode: 'none' }, env: {}, mounts: [], ...over,
});

describe('adapters/local: the no-isolation environment and the terminal prompt', function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(join(tmpdir(), 'sf-local-'))));

  it('runs argv without a shell in the workspace and returns exit code and output', async () => {
    const env = await new LocalEnvironmentProvider().prepare(request(dir, { env: { GREETING: 'hi' } }));
    const r = await env.exec(['node', '-e', 'console.log(process.env.GREETING, process.cwd()); process.exit(3)']);
    assert.equal(r.exitCode, 3);
    assert.equal(r.output.trim(), `hi ${fs.realpathSync(dir)}`);
    const lit = await env.exec(['echo', '$HOME; rm -rf /']);
    assert.equal(lit.output.trim(), '$HOME; rm -rf /', 'no shell expansion');
  });

  it('drops credential-like variables of the host', async () => {
    process.env.SHOPFLOOR_TEST_API_KEY = 'secret';
    const env = await new LocalEnvironmentProvider().prepare(request(dir));
    const r = await env.exec(['node', '-e', 'console.log(process.env.SHOPFLOOR_TEST_API_KEY ?? "absent")']);
    delete process.env.SHOPFLOOR_TEST_API_KEY;
    assert.equal(r.output.trim(), 'absent');
  });

  it('kills the whole process group on timeout, and reports a missing program', async () => {
    const env = await new LocalEnvironmentProvider().prepare(request(dir));
    const t = await env.exec(['sh', '-c', 'sleep 30 & sleep 30'], { timeoutMs: 300 });
    assert.deepEqual([t.exitCode, t.endReason], [null, 'timeout']);
    const m = await env.exec(['definitely-not-a-program-xyz']);
    assert.deepEqual([m.exitCode, m.endReason], [null, 'not-started']);
    assert.match(m.endDetail!, /ENOENT/);
    let streamed = 0;
    const out = await env.exec(['node', '-e', 'process.stdout.write("x".repeat(200000))'], { onOutput: (c) => (streamed += c.length) });
    assert.equal(streamed, 200000, 'every character reaches onOutput (the station writes it to its log)');
    assert.equal(out.truncated, false);
    assert.equal(out.output.length, OUTPUT_TAIL_CHARS);
    const cwd = await env.exec(['true'], { cwd: '../..' });
    assert.deepEqual([cwd.exitCode, cwd.endReason], [null, 'not-started'], 'cwd may not leave the workspace');
  });

  it('cleanup kills commands a killed run left running', async () => {
    const state = join(dir, 'state');
    const provider = new LocalEnvironmentProvider(() => state);
    const env = await provider.prepare(request(dir));
    const running = env.exec(['sleep', '30']);
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(fs.readdirSync(join(state, 'pids')).length, 1);
    await provider.cleanup('r');
    const r = await running;
    assert.equal(r.exitCode, null);
    assert.equal(fs.readdirSync(join(state, 'pids')).length, 0);
  });

  it('a verifier mount is exposed by host path', async () => {
    const env = await new LocalEnvironmentProvider().prepare(request(dir, { env: { S: '/scenarios' }, mounts: [{ hostPath: '/holdout', containerPath: '/scenarios', readOnly: true }] }));
    const r = await env.exec(['node', '-e', 'console.log(process.env.S, process.env.SHOPFLOOR_SCENARIOS)']);
    assert.equal(r.output.trim(), '/holdout /holdout');
  });

  it('terminal prompt: approve, and reject with a chosen terminal state', async () => {
    const gate: Gate = {
      runId: 'r1', gateId: 'implement.after.3', stationId: 'implement', position: 'after', contentHash: 'a'.repeat(64), summary: '1 file changed',
      content: { patch: 'diff --git a/x b/x' }, allowed: ['approve', 'reject', 'edit', 'retry'], risk: { packetRisk: 'one-reviewer', touchedRiskPaths: [], diffFlags: [] },
    };
    const ask = async (answers: string[]) => {
      const input = new PassThrough();
      const output = new PassThrough();
      let shown = '';
      output.on('data', (d) => (shown += d));
      const p = new TerminalGatekeeper({ input, output, close: () => undefined }, 'alice').decide(gate);
      for (const a of answers) {
        await new Promise((r) => setTimeout(r, 20));
        input.write(`${a}\n`);
      }
      return { answer: await p, shown };
    };
    const a = await ask(['x', 'a']);
    assert.deepEqual([a.answer.decision, a.answer.by], ['approve', { kind: 'human', name: 'alice' }]);
    assert.match(a.shown, /diff --git a\/x b\/x/);
    // The menu is the gate rules' list of reviewer rejections: the number follows it.
    const choice = reviewerRejections().findIndex((t) => t.state === 'NO_OP' && t.reason === 'needs-product-decision') + 1;
    const r = await ask(['r', String(choice), 'product must decide']);
    assert.equal(r.answer.decision, 'reject');
    assert.deepEqual([r.answer.terminal?.state, r.answer.terminal?.reason], ['NO_OP', 'needs-product-decision']);
    assert.equal(r.answer.reason, 'product must decide');
    gate.risk.preexistingFailures = ['npm test (exit 1)'];
    const pre = await ask(['a']);
    assert.match(pre.shown, /!! pre-existing failures \(red on the base commit too, not caused by the change\): npm test \(exit 1\); approving accepts them/);
  });
});
