import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GeminiAgentRunner } from '../../../src/adapters/agents/gemini';
import { LocalProcessEnvironment } from '../../../src/adapters/local/local-environment';
import { agentCli, agentTask } from '../../support/agent-clis';
import { CODEX_CLAIM as CLAIM } from '../../support/model-double/codex-session';
import { startGeminiDouble } from '../../support/model-double/gemini';
import { GEMINI_SESSION } from '../../support/model-double/gemini-session';

/**
 * The real Gemini CLI (npm @google/gemini-cli, pinned in test/support/agent-clis.ts) on the
 * host, against the Gemini API double, driven through GeminiAgentRunner with the local
 * (host) station environment.
 */
describe('agents: Gemini CLI through GeminiAgentRunner (real CLI, model double)', function () {
  this.timeout(180_000);
  let gemini: string;
  before(() => {
    gemini = agentCli('gemini');
  });

  function setup() {
    const ws = mkdtempSync(join(tmpdir(), 'sf-gemini-ws-'));
    const home = mkdtempSync(join(tmpdir(), 'sf-gemini-home-'));
    return { ws, home, env: new LocalProcessEnvironment(ws, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, undefined) };
  }

  it('a session with shell and file tools ends done with tool calls, usage, claim, session and version; the key reached the double', async () => {
    const double = await startGeminiDouble(GEMINI_SESSION);
    try {
      const { ws, home, env } = setup();
      const r = await new GeminiAgentRunner({ model: 'double-model', command: [gemini] }).run(
        agentTask(env, 'Fix note.txt', { modelAccess: { env: { GOOGLE_GEMINI_BASE_URL: double.baseUrl, GEMINI_API_KEY: 'sf-placeholder-key' } } }),
      );
      assert.equal(r.outcome, 'done', r.output);
      assert.equal(r.version, '@google/gemini-cli@0.61.0');
      assert.deepEqual(r.toolCalls?.map((t) => [t.name, t.outcome]), [
        ['run_shell_command', 'ok'],
        ['write_file', 'ok'],
        ['write_file', 'error'],
        ['run_shell_command', 'ok'],
      ]);
      assert.deepEqual(r.usage, [{ model: 'double-model', inputTokens: 6550, outputTokens: 175, cacheReadTokens: 200 }]);
      assert.equal(r.claim?.terminal, 'PR_READY', r.claimProblem);
      assert.match(r.sessionId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(readFileSync(join(ws, 'note.txt'), 'utf8'), 'fixed\n');
      assert.equal(readFileSync(join(ws, 'hello.txt'), 'utf8'), 'hello\n');
      assert.match(readFileSync(join(home, '.gemini-shopfloor', '.gemini', 'settings.json'), 'utf8'), /gemini-api-key/);
      assert.ok(!existsSync(join(home, '.gemini')), "the developer's own ~/.gemini is not touched");
      const calls = double.requests.filter((q) => q.path.includes(':streamGenerateContent'));
      assert.equal(calls.length, 5);
      assert.ok(calls.every((q) => q.headers['x-goog-api-key'] === 'sf-placeholder-key'));
    } finally {
      await double.close();
    }
  });

  it('a revise round resumes the session by its id', async () => {
    const double = await startGeminiDouble([{ text: `First round.\n${CLAIM}` }, { text: `Second round.\n${CLAIM}` }]);
    try {
      const { env } = setup();
      const runner = new GeminiAgentRunner({ model: 'double-model', command: [gemini] });
      const access = { env: { GOOGLE_GEMINI_BASE_URL: double.baseUrl, GEMINI_API_KEY: 'k' } };
      const first = await runner.run(agentTask(env, 'first prompt', { modelAccess: access }));
      assert.equal(first.outcome, 'done', first.output);
      const second = await runner.run(agentTask(env, 'second prompt', { modelAccess: access, session: first.sessionId }));
      assert.equal(second.outcome, 'done', second.output);
      const contents = JSON.stringify(double.requests.filter((q) => q.path.includes(':streamGenerateContent'))[1]!.body.contents);
      assert.match(contents, /first prompt/);
      assert.match(contents, /First round\./);
      assert.match(contents, /second prompt/);
    } finally {
      await double.close();
    }
  });
});
