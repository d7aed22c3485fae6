import { strict as assert } from 'node:assert';
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { CopilotAgentRunner } from '../../../src/adapters/agents/copilot';
import { LocalProcessEnvironment } from '../../../src/adapters/local/local-environment';
import { agentCli, agentTask } from '../../support/agent-clis';
import { CODEX_CLAIM as CLAIM } from '../../support/model-double/codex-session';
import { COPILOT_SESSION } from '../../support/model-double/copilot-session';
import { startOpenAIDouble } from '../../support/model-double/openai';

/**
 * The real GitHub Copilot CLI (npm @github/copilot, pinned in test/support/agent-clis.ts; its
 * linux-x64 platform binary) on the host, in BYOK offline mode against the OpenAI Responses
 * double, driven through CopilotAgentRunner with the local (host) station environment.
 */
describe('agents: Copilot CLI through CopilotAgentRunner (real CLI, model double)', function () {
  this.timeout(180_000);
  let copilot: string;
  before(() => {
    copilot = resolve(dirname(agentCli('copilot')), '..', '@github', 'copilot-linux-x64', 'copilot');
  });

  function setup() {
    const ws = mkdtempSync(join(tmpdir(), 'sf-copilot-ws-'));
    const home = mkdtempSync(join(tmpdir(), 'sf-copilot-home-'));
    return { ws, home, env: new LocalProcessEnvironment(ws, { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home }, undefined) };
  }

  it('a session with bash and apply_patch ends done with tool calls, usage from the usage file, claim, session and version; the key reached the double', async () => {
    const double = await startOpenAIDouble(COPILOT_SESSION);
    try {
      const { ws, env } = setup();
      const before = new Set(readdirSync('/tmp').filter((f) => f.startsWith('shopfloor-copilot-usage-')));
      const r = await new CopilotAgentRunner({ model: 'gpt-5.4', command: [copilot] }).run(
        agentTask(env, 'Fix note.txt', { modelAccess: { env: { OPENAI_BASE_URL: double.baseUrl, OPENAI_API_KEY: 'sf-placeholder-key' } } }),
      );
      assert.equal(r.outcome, 'done', r.output);
      assert.equal(r.version, '@github/copilot@1.0.102');
      assert.deepEqual(r.toolCalls?.map((t) => [t.name, t.outcome]), [
        ['bash', 'ok'],
        ['apply_patch', 'ok'],
        ['apply_patch', 'error'],
        ['bash', 'ok'],
      ]);
      assert.deepEqual(r.usage, [{ model: 'gpt-5.4', inputTokens: 6550, outputTokens: 175, cacheReadTokens: 200 }]);
      assert.equal(r.claim?.terminal, 'PR_READY', r.claimProblem);
      assert.match(r.sessionId ?? '', /^[0-9a-f-]{36}$/);
      assert.equal(readFileSync(join(ws, 'note.txt'), 'utf8'), 'fixed\n');
      assert.equal(readFileSync(join(ws, 'hello.txt'), 'utf8'), 'hello\n');
      assert.equal(double.requests.length, 5);
      assert.ok(double.requests.every((q) => q.path === '/v1/responses' && q.headers.authorization === 'Bearer sf-placeholder-key'));
      assert.deepEqual(readdirSync('/tmp').filter((f) => f.startsWith('shopfloor-copilot-usage-') && !before.has(f)), [], 'the usage file is removed once read');
    } finally {
      await double.close();
    }
  });

  it('a revise round resumes the session by its id', async () => {
    const double = await startOpenAIDouble([{ text: `First round.\n${CLAIM}` }, { text: `Second round.\n${CLAIM}` }]);
    try {
      const { env, home } = setup();
      const runner = new CopilotAgentRunner({ model: 'gpt-5.4', command: [copilot] });
      const access = { env: { OPENAI_BASE_URL: double.baseUrl, OPENAI_API_KEY: 'k' } };
      const first = await runner.run(agentTask(env, 'first prompt', { modelAccess: access }));
      assert.equal(first.outcome, 'done', first.output);
      assert.ok(existsSync(join(home, '.copilot')));
      const second = await runner.run(agentTask(env, 'second prompt', { modelAccess: access, session: first.sessionId }));
      assert.equal(second.outcome, 'done', second.output);
      assert.equal(second.sessionId, first.sessionId);
      const input = JSON.stringify(double.requests[1]!.body.input);
      assert.match(input, /first prompt/);
      assert.match(input, /second prompt/);
    } finally {
      await double.close();
    }
  });

  it('a provider that refuses the request ends in error with its message', async () => {
    const double = await startOpenAIDouble([{ httpError: { status: 400, message: 'The double refuses this request.' } }]);
    try {
      const { env } = setup();
      const r = await new CopilotAgentRunner({ model: 'gpt-5.4', command: [copilot] }).run(agentTask(env, 'anything', { modelAccess: { env: { OPENAI_BASE_URL: double.baseUrl, OPENAI_API_KEY: 'k' } } }));
      assert.equal(r.outcome, 'error');
      assert.match(r.endDetail ?? '', /exited with code 1: copilot: 400 The double refuses this request\./);
    } finally {
      await double.close();
    }
  });
});
