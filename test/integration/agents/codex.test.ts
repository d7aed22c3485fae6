import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodexAgentRunner } from '../../../src/adapters/agents/codex';
import { LocalProcessEnvironment } from '../../../src/adapters/local/local-environment';
import { agentCli, agentTask } from '../../support/agent-clis';
import { CODEX_CLAIM as CLAIM, CODEX_SESSION } from '../../support/model-double/codex-session';
import { startOpenAIDouble } from '../../support/model-double/openai';

/**
 * The real Codex CLI (npm @openai/codex, pinned in test/support/agent-clis.ts) on the host,
 * against the OpenAI Responses double, driven through CodexAgentRunner with the local
 * (host) station environment: what the adapter reads from Codex's real JSONL.
 */
describe('agents: Codex CLI through CodexAgentRunner (real CLI, model double)', function () {
  this.timeout(180_000);
  let codex: string;
  before(() => {
    codex = agentCli('codex');
  });

  function setup() {
    const ws = mkdtempSync(join(tmpdir(), 'sf-codex-ws-'));
    const home = mkdtempSync(join(tmpdir(), 'sf-codex-home-'));
    const env = new LocalProcessEnvironment(ws, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, undefined);
    return { ws, home, env };
  }

  it('a session that runs commands and writes files ends done with its tool calls, usage by model, claim, session and version', async () => {
    const double = await startOpenAIDouble(CODEX_SESSION);
    try {
      const { ws, env } = setup();
      const log: string[] = [];
      const runner = new CodexAgentRunner({ model: 'double-model', command: [codex] });
      const r = await runner.run(agentTask(env, 'Fix note.txt', { modelAccess: { env: { OPENAI_BASE_URL: double.baseUrl, OPENAI_API_KEY: 'sf-placeholder-key' } }, onOutput: (c) => log.push(c) }));
      assert.equal(r.outcome, 'done', r.output);
      assert.equal(r.agent, 'codex');
      assert.equal(r.version, '@openai/codex@0.171.0');
      assert.deepEqual(
        r.toolCalls?.map((t) => [t.name, t.outcome]),
        [
          ['command_execution', 'ok'],
          ['file_change', 'ok'],
          ['command_execution', 'error'],
        ],
      );
      assert.ok(r.toolCalls!.every((t) => typeof t.durationMs === 'number'), 'durations from item.started to item.completed');
      assert.deepEqual(r.usage, [{ model: 'double-model', inputTokens: 5400 - 200, outputTokens: 150, cacheReadTokens: 200 }]);
      assert.deepEqual(r.cost, { inputTokens: 5200, outputTokens: 150 });
      assert.equal(r.claim?.terminal, 'PR_READY', r.claimProblem);
      assert.deepEqual(r.claim?.filesChanged, ['note.txt', 'hello.txt']);
      assert.match(r.sessionId ?? '', /^[0-9a-f-]{36}$/);
      assert.match(r.text ?? '', /Wrote note\.txt/);
      assert.equal(readFileSync(join(ws, 'note.txt'), 'utf8'), 'fixed\n');
      assert.equal(readFileSync(join(ws, 'hello.txt'), 'utf8'), 'hello\n');
      const calls = double.requests.filter((q) => q.path.startsWith('/v1/responses'));
      assert.equal(calls.length, 4);
      assert.ok(calls.every((q) => q.headers.authorization === 'Bearer sf-placeholder-key'), 'the placeholder key reached the model endpoint');
      assert.equal(calls[0]!.body.model, 'double-model');
      assert.match(JSON.stringify(calls[0]!.body.input), /Fix note\.txt/);
      const text = log.join('');
      assert.match(text, /\[tool\] command_execution ok/);
      assert.match(text, /\[usage\] double-model: 5200 in, 150 out/);
      assert.ok(!text.includes('"type":"item.completed"'), 'the station log gets rendered lines, not raw JSON');
    } finally {
      await double.close();
    }
  });

  it('a revise round resumes the session: the second run continues the thread the first one started', async () => {
    const double = await startOpenAIDouble([
      { text: `First round.\n${CLAIM}` },
      { text: `Second round.\n${CLAIM}` },
    ]);
    try {
      const { env } = setup();
      const runner = new CodexAgentRunner({ model: 'double-model', command: [codex] });
      const access = { env: { OPENAI_BASE_URL: double.baseUrl, OPENAI_API_KEY: 'k' } };
      const first = await runner.run(agentTask(env, 'first prompt', { modelAccess: access }));
      assert.equal(first.outcome, 'done', first.output);
      const second = await runner.run(agentTask(env, 'second prompt', { modelAccess: access, session: first.sessionId }));
      assert.equal(second.outcome, 'done', second.output);
      assert.equal(second.sessionId, first.sessionId, 'the same thread');
      const input = JSON.stringify(double.requests[1]!.body.input);
      assert.match(input, /first prompt/, 'the resumed request carries the earlier conversation');
      assert.match(input, /First round\./);
      assert.match(input, /second prompt/);
    } finally {
      await double.close();
    }
  });

  it('an unreachable model: Codex keeps reconnecting, the station ends at its timeout with the reconnects in the log', async () => {
    const double = await startOpenAIDouble([]);
    const dead = double.baseUrl;
    await double.close();
    const { env } = setup();
    const runner = new CodexAgentRunner({ model: 'double-model', command: [codex] });
    const r = await runner.run(agentTask(env, 'anything', { modelAccess: { env: { OPENAI_BASE_URL: dead, OPENAI_API_KEY: 'k' } }, timeoutMs: 8_000 }));
    assert.equal(r.outcome, 'timeout', r.output);
    assert.match(r.endDetail ?? '', /timed out after 8000 ms/);
    assert.match(r.output, /\[codex\] error: Reconnecting/, 'the retries are in the log');
    assert.equal(r.claim, undefined);
  });
});
