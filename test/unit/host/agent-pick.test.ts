import { COPILOT_VERSION } from '../../../src/adapters/agents/copilot';
import { CODEX_VERSION, GEMINI_VERSION, OPENCODE_VERSION } from '../../../src/adapters/agents/installed-cli';
import { strict as assert } from 'node:assert';
import { aBlueprint, aPacket } from '../../support/builders';
import { installVscodeStub, MemorySecrets, seen } from '../../support/vscode-stub';
import type { Station } from '../../../src/contracts';
import { agentChoices, stationsLeftToDefault } from '../../../src/app/agent-choices';
import { CLAUDE_CODE_VERSION } from '../../../src/adapters/agents/claude-code';
import { freshRunSetup } from '../../../src/app/run-setup';

installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { agentPickItems, pickRunAgent } = require('../../../src/host/run/agent-pick') as typeof import('../../../src/host/run/agent-pick');

const agent = (id: string, over: Partial<Extract<Station, { kind: 'agent' }>> = {}): Station => ({ id, role: 'implement', kind: 'agent', gate: { when: 'after', allowSkip: false }, retries: 0, ...over });

describe('host/run/agent-pick: the agent choice per run', () => {
  beforeEach(() => {
    seen.picks.length = 0;
    seen.messages.length = 0;
    seen.pickAnswer = undefined;
    seen.modalAnswer = undefined;
  });

  after(() => {
    seen.pickAnswer = undefined;
    seen.modalAnswer = undefined;
  });

  it('offers the agents of this build with their versions and install state, and the command agent with its command', async () => {
    const installed = await agentChoices({ installed: async (pkg) => pkg.version === CLAUDE_CODE_VERSION });
    assert.deepEqual(installed.map((c) => c.name), ['claude', 'codex', 'gemini', 'opencode', 'copilot', 'aider', 'jsonl', 'command'], 'only agents whose adapter is in this build');
    const items = agentPickItems(installed, { defaultAgent: 'claude', command: '["my-agent","--fix"]' });
    assert.deepEqual(
      items.map((i) => [i.label, i.description, i.isDefault]),
      [
        ['Claude Code', `${CLAUDE_CODE_VERSION} — installed (default)`, true],
        ['Codex', `${CODEX_VERSION} — will be installed on first use`, false],
        ['Gemini CLI', `${GEMINI_VERSION} — will be installed on first use`, false],
        ['OpenCode', `${OPENCODE_VERSION} — will be installed on first use`, false],
        ['GitHub Copilot CLI', `${COPILOT_VERSION} — will be installed on first use`, false],
        ['Aider', 'needs aider in the station image (pip install aider-chat)', false],
        ['JSONL agent', '["my-agent","--fix"]', false],
        ['Command agent', '["my-agent","--fix"]', false],
      ],
    );
    const pinned = agentPickItems(await agentChoices({ versions: { claude: '2.0.1' }, installed: async () => false }), {});
    assert.equal(pinned[0]!.description, '2.0.1 — will be installed on first use', 'the configured version, not yet installed');
    assert.equal(pinned[7]!.description, 'no command set (shopfloor.agent.command) (default)', 'no default set: the command agent');
    const unknown = agentPickItems(await agentChoices({ installed: async () => Promise.reject(new Error('no engine')) }), { defaultAgent: 'clippy' });
    assert.equal(unknown[0]!.description, CLAUDE_CODE_VERSION, 'Docker not reachable: the install state is not claimed');
    assert.deepEqual(unknown.map((i) => i.isDefault), [false, false, false, false, false, false, false, true], 'an unknown default falls back to the command agent');
  });

  it('asks only for agent stations left to the default: not those naming an agent or matched by a routing rule', () => {
    const packet = aPacket().with('source', { kind: 'issue', text: 'x' }).build();
    const bp = aBlueprint()
      .with('stations', [agent('named', { agent: 'claude' }), agent('free'), { id: 'check', role: 'validate', kind: 'command', from: 'packet.validation', gate: { when: 'none', allowSkip: false }, retries: 0 }])
      .build();
    assert.deepEqual(stationsLeftToDefault(bp, packet, {}), ['free']);
    assert.deepEqual(stationsLeftToDefault(bp, packet, { default: 'claude' }), ['free'], 'a default does not take the choice away');
    assert.deepEqual(stationsLeftToDefault({ ...bp, routing: [{ when: { kind: 'issue' }, agent: 'claude' }] }, packet, {}), []);
  });

  it('puts the chosen agent into the run; Escape refuses the start; a missing model key is warned about', async () => {
    const setup = await freshRunSetup({ repo: process.cwd(), packet: aPacket().with('source', { kind: 'issue', text: 'x' }).build(), unattended: false, environment: 'docker', profile: false, agent: 'command' });
    const volumes = async () => async () => true;
    seen.pickAnswer = 'Command agent';
    assert.equal(await pickRunAgent(setup, new MemorySecrets() as never, volumes), 'command');
    assert.equal(seen.picks.length, 1);
    assert.deepEqual(seen.picks[0]!.map((i) => i.label), ['Claude Code', 'Codex', 'Gemini CLI', 'OpenCode', 'GitHub Copilot CLI', 'Aider', 'JSONL agent', 'Command agent']);

    seen.pickAnswer = null;
    await assert.rejects(pickRunAgent(setup, new MemorySecrets() as never, volumes), (e: Error) => e.name === 'RunRefusedError' && /no agent was chosen/.test(e.message));

    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      seen.pickAnswer = 'Claude Code';
      seen.modalAnswer = undefined; // the warning dismissed
      await assert.rejects(pickRunAgent(setup, new MemorySecrets() as never, volumes), /Claude Code has no model API key/);
      assert.match(seen.messages.at(-1) ?? '', /^warning: Claude Code needs a model API key \(anthropic\), and none is set/);
      seen.modalAnswer = 'Start Anyway';
      assert.equal(await pickRunAgent(setup, new MemorySecrets() as never, volumes), 'claude');
      const secrets = new MemorySecrets();
      await secrets.store('shopfloor.model.anthropic.apiKey', 'sk-test');
      seen.messages.length = 0;
      seen.modalAnswer = undefined;
      assert.equal(await pickRunAgent(setup, secrets as never, volumes), 'claude', 'a key in SecretStorage: no warning');
      assert.deepEqual(seen.messages, []);
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });

  it('warns about a missing key for an agent the blueprint names, even when there is nothing to pick', async () => {
    const packet = aPacket().with('source', { kind: 'issue', text: 'x' }).build();
    const setup = await freshRunSetup({ repo: process.cwd(), packet, unattended: false, environment: 'docker', profile: false });
    const named = { ...setup, blueprint: aBlueprint().with('stations', [agent('implement', { agent: 'claude' })]).build() };
    const saved = process.env.ANTHROPIC_API_KEY;
    delete process.env.ANTHROPIC_API_KEY;
    try {
      seen.modalAnswer = undefined;
      await assert.rejects(pickRunAgent(named, new MemorySecrets() as never, async () => undefined), /Claude Code has no model API key/);
      assert.deepEqual(seen.picks, [], 'no pick: the station names its agent');
      seen.modalAnswer = 'Start Anyway';
      assert.equal(await pickRunAgent(named, new MemorySecrets() as never, async () => undefined), undefined);
    } finally {
      if (saved !== undefined) process.env.ANTHROPIC_API_KEY = saved;
    }
  });
});
