import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpenCodeAgentRunner } from '../../../src/adapters/agents/opencode';
import { LocalProcessEnvironment } from '../../../src/adapters/local/local-environment';
import { agentCli, agentTask } from '../../support/agent-clis';
import { CODEX_CLAIM as CLAIM } from '../../support/model-double/codex-session';
import { startOpenAIDouble } from '../../support/model-double/openai';
import { OPENCODE_SESSION, OPENCODE_TITLE } from '../../support/model-double/opencode-session';

/**
 * The real OpenCode CLI (npm opencode-ai, pinned in test/support/agent-clis.ts) on the host,
 * against the OpenAI Responses double, driven through OpenCodeAgentRunner with the local
 * (host) station environment.
 */
describe('agents: OpenCode through OpenCodeAgentRunner (real CLI, model double)', function () {
  this.timeout(180_000);
  let opencode: string;
  before(() => {
    opencode = agentCli('opencode');
  });

  function setup() {
    const ws = mkdtempSync(join(tmpdir(), 'sf-opencode-ws-'));
    const home = mkdtempSync(join(tmpdir(), 'sf-opencode-home-'));
    const base = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_CACHE_HOME: join(home, '.cache'), XDG_STATE_HOME: join(home, '.local', 'state') };
    return { ws, env: new LocalProcessEnvironment(ws, base, undefined) };
  }

  it('a session with bash, apply_patch and read ends done with tool calls, usage, claim, session and version; the key came from config', async () => {
    const double = await startOpenAIDouble(OPENCODE_SESSION, { untooled: OPENCODE_TITLE });
    try {
      const { ws, env } = setup();
      const r = await new OpenCodeAgentRunner({ model: 'openai/gpt-5', command: [opencode] }).run(
        agentTask(env, 'Fix note.txt', { modelAccess: { env: { OPENAI_BASE_URL: double.baseUrl, OPENAI_API_KEY: 'sf-placeholder-key' } } }),
      );
      assert.equal(r.outcome, 'done', r.output);
      assert.equal(r.version, 'opencode-ai@1.18.33');
      assert.deepEqual(r.toolCalls?.map((t) => [t.name, t.outcome]), [
        ['bash', 'ok'],
        ['apply_patch', 'ok'],
        ['bash', 'ok'],
        ['read', 'error'],
      ]);
      assert.equal(r.usage?.[0]?.model, 'gpt-5');
      assert.equal(r.usage?.[0]?.inputTokens, 6650);
      assert.equal(r.claim?.terminal, 'PR_READY', r.claimProblem);
      assert.match(r.sessionId ?? '', /^ses_/);
      assert.equal(readFileSync(join(ws, 'note.txt'), 'utf8'), 'fixed\n');
      assert.equal(readFileSync(join(ws, 'hello.txt'), 'utf8'), 'hello\n');
      assert.ok(double.requests.every((q) => q.headers.authorization === 'Bearer sf-placeholder-key'));
    } finally {
      await double.close();
    }
  });

  it('a revise round continues the session by its id', async () => {
    const double = await startOpenAIDouble([{ text: `First round.\n${CLAIM}` }, { text: `Second round.\n${CLAIM}` }], { untooled: OPENCODE_TITLE });
    try {
      const { env } = setup();
      const runner = new OpenCodeAgentRunner({ model: 'openai/gpt-5', command: [opencode] });
      const access = { env: { OPENAI_BASE_URL: double.baseUrl, OPENAI_API_KEY: 'k' } };
      const first = await runner.run(agentTask(env, 'first prompt', { modelAccess: access }));
      assert.equal(first.outcome, 'done', first.output);
      const second = await runner.run(agentTask(env, 'second prompt', { modelAccess: access, session: first.sessionId }));
      assert.equal(second.outcome, 'done', second.output);
      assert.equal(second.sessionId, first.sessionId);
      const last = double.requests.filter((q) => Array.isArray(q.body?.tools) && q.body.tools.length).at(-1)!;
      const input = JSON.stringify(last.body.input);
      assert.match(input, /first prompt/);
      assert.match(input, /First round\./);
      assert.match(input, /second prompt/);
    } finally {
      await double.close();
    }
  });
});
