import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installVscodeStub, MemoryMemento, memoryLog, seen } from '../../support/vscode-stub';
import { aPacket } from '../../support/builders';
import type { Blueprint, Station, TaskPacket } from '../../../src/contracts';
import { BlueprintSchema } from '../../../src/contracts';
import { BUGFIX } from '../../../src/core/blueprints';
import { approvePacket } from '../../../src/core/packet/approval';
import { AGENT_REGISTRY, AgentUnavailableError, RoutedAgentRunner, agentNameFor, agentRefusal, agentRunnerFor, type AgentFactory } from '../../../src/app/agent-routing';
import { CommandAgentRunner } from '../../../src/adapters/agents/command-agent';
import { RunRefusedError } from '../../../src/app/run-session';
import { runCommand } from '../../../src/cli/commands/run';
import type { AgentResult, AgentRunner, AgentTask, ModelAccessProvider } from '../../../src/core/run/ports';
import { composeRun } from '../../../src/app/compose';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { newRunId } from '../../../src/core/run/run-id';

const vscode = installVscodeStub();
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { RunController } = require('../../../src/host/run/run-controller') as typeof import('../../../src/host/run/run-controller');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PanelState } = require('../../../src/host/panel/panel-state') as typeof import('../../../src/host/panel/panel-state');

const agentStation = (over: Partial<Extract<Station, { kind: 'agent' }>> = {}): Station => ({ id: 'implement', role: 'implement', kind: 'agent', gate: { when: 'none', allowSkip: false }, retries: 0, ...over });
const issue = (over: Partial<TaskPacket> = {}): TaskPacket => ({ ...aPacket().with('source', { kind: 'issue', text: 'broken' }).build(), risk: 'one-reviewer', ...over });
const routing: Blueprint['routing'] = [
  { when: { kind: 'advisory' }, agent: 'codex' },
  { when: { language: 'python', risk: 'hard-stop' }, agent: 'aider' },
  { when: { language: 'TypeScript' }, agent: 'claude' },
];

/** A runner double that names itself in its result. */
const named = (name: string): AgentFactory => () => ({ run: async (t: AgentTask): Promise<AgentResult> => ({ outcome: 'done', exitCode: 0, durationMs: 1, output: `${name} ran ${t.station.id}`, truncated: false, agent: name }) });

describe('app/agent-routing: which agent runs an agent station (issue 10)', () => {
  it("the station's agent first, then the first matching routing rule (kind, language, risk), then the user default, then the command agent", () => {
    assert.deepEqual(agentNameFor(agentStation({ agent: 'gemini' }), issue({ source: { kind: 'advisory', text: 'x' } }), { default: 'jsonl' }, routing).name, 'gemini');
    assert.deepEqual(agentNameFor(agentStation(), issue({ source: { kind: 'advisory', text: 'x' } }), { default: 'jsonl' }, routing), { name: 'codex', why: 'routing rule 1 of the blueprint', source: 'routing' });
    assert.equal(agentNameFor(agentStation(), issue({ risk: 'hard-stop' }), { language: 'Python' }, routing).name, 'aider', 'language matches without regard to case; every field of the rule must match');
    assert.equal(agentNameFor(agentStation(), issue(), { language: 'Python', default: 'jsonl' }, routing).name, 'jsonl', 'risk differs: the rule does not apply');
    assert.equal(agentNameFor(agentStation(), issue(), { language: 'typescript' }, routing).name, 'claude');
    assert.equal(agentNameFor(agentStation(), issue(), {}, routing).name, 'command');
    assert.equal(agentNameFor(agentStation(), issue(), {}).name, 'command');
  });

  it('runners come from the registry; the command agent is the fallback; unknown and unavailable agents are refused naming the station and the agent', () => {
    assert.ok(agentRunnerFor(agentStation(), issue(), {}) instanceof CommandAgentRunner);
    assert.ok(AGENT_REGISTRY.command);
    assert.throws(() => agentRunnerFor(agentStation({ id: 'fix' }), issue(), { default: 'clippy' }), (e: Error) => e instanceof AgentUnavailableError && /^station fix: agent "clippy" .* is not an agent Shopfloor knows/.test(e.message));
    const noClaude = { ...AGENT_REGISTRY, claude: undefined };
    assert.throws(() => agentRunnerFor(agentStation({ id: 'fix', agent: 'claude' }), issue(), {}, undefined, noClaude), /^AgentUnavailableError: station fix: agent "claude" \(named by the station\) is not available in this build$/);
    const bp = { ...BUGFIX, routing: [{ when: {}, agent: 'claude' as const }] };
    assert.match(agentRefusal(bp, issue(), {}, noClaude)!, /^station reproduce: agent "claude" \(routing rule 1 of the blueprint\) is not available in this build/);
    assert.equal(agentRefusal(bp, issue(), {}, { ...noClaude, claude: named('claude') }), undefined);
    assert.equal(agentRefusal(BUGFIX, issue(), {}), undefined, 'the built-ins run on the command agent by default');
  });

  it('the routed runner sends each station to its agent, one runner per agent for the run', async () => {
    let made = 0;
    const registry = { ...AGENT_REGISTRY, claude: ((s, c) => (made++, named('claude')(s, c))) as AgentFactory, codex: named('codex') };
    const runner: AgentRunner = new RoutedAgentRunner({ default: 'claude' }, undefined, registry);
    const task = (station: Station) => ({ station, role: station.role, packet: issue(), environment: {} as never, timeoutMs: 1 }) as AgentTask;
    assert.equal((await runner.run(task(agentStation({ id: 'plan', role: 'plan' })))).agent, 'claude');
    assert.equal((await runner.run(task(agentStation({ id: 'implement', agent: 'codex' })))).agent, 'codex');
    assert.equal((await runner.run(task(agentStation({ id: 'validate', role: 'validate' })))).agent, 'claude');
    assert.equal(made, 1);
  });

  it('the blueprint schema takes routing rules and station and run budgets, and bounds them', () => {
    const bp = { ...BUGFIX, routing: [{ when: { language: 'Go' }, agent: 'codex' }], budget: { tokens: 100000, usd: 5 } };
    assert.ok(BlueprintSchema.safeParse(bp).success);
    assert.ok(!BlueprintSchema.safeParse({ ...bp, routing: [{ when: {}, agent: 'clippy' }] }).success);
    assert.ok(!BlueprintSchema.safeParse({ ...bp, budget: { tokens: -1 } }).success);
    assert.ok(!BlueprintSchema.safeParse({ ...bp, stations: bp.stations.map((s) => (s.kind === 'agent' ? { ...s, budget: { usd: 0 } } : s)) }).success);
  });
});

describe('app/agent-routing: refused before the run starts (CLI --agent, editor shopfloor.agent.default)', () => {
  const PACKET_FILE = '.shopfloor/packets/fix.json';
  function repo(): string {
    const dir = mkdtempSync(join(tmpdir(), 'shopfloor-routing-'));
    writeFileSync(join(dir, 'index.js'), 'broken\n');
    for (const args of [['init', '-q'], ['config', 'user.name', 'T'], ['config', 'user.email', 't@example.com'], ['add', '-A'], ['commit', '-qm', 'init']]) execFileSync('git', args, { cwd: dir });
    mkdirSync(join(dir, '.shopfloor', 'packets'), { recursive: true });
    const packet = aPacket().with('source', { kind: 'issue', text: 'index.js is broken' }).with('reproduction', [{ argv: ['repro'] }]).with('validation', [{ argv: ['test'] }]).build();
    writeFileSync(join(dir, PACKET_FILE), JSON.stringify(approvePacket(packet, 'T <t@example.com>', '2026-12-01T00:00:00.000Z'), null, 2));
    return dir;
  }
  const runsOf = (dir: string) => (existsSync(join(dir, '.shopfloor', 'runs')) ? readdirSync(join(dir, '.shopfloor', 'runs')).filter((n) => n !== '.gitignore') : []);

  it('an unknown --agent is refused with the station and the agent named, and no run folder is written', async () => {
    const dir = repo();
    const e = await runCommand({ repo: dir, packet: join(dir, PACKET_FILE), environment: 'local', setup: false, agent: 'clippy' }, { terminal: null }).catch((x: Error) => x);
    assert.ok(e instanceof RunRefusedError, String(e));
    assert.match(e.message, /^station reproduce: agent "clippy" \(the default agent \(shopfloor\.agent\.default \/ --agent\)\) is not an agent Shopfloor knows/);
    assert.deepEqual(runsOf(dir), []);
  });

  it('the editor reads shopfloor.agent.default and refuses the same way (with the per-run pick turned off)', async () => {
    const dir = repo();
    const original = vscode.workspace.getConfiguration;
    vscode.workspace.getConfiguration = (() => ({ get: <T>(key: string, dflt?: T) => (key === 'agent.default' ? ('clippy' as T) : key === 'agent.choosePerRun' ? (false as T) : dflt) })) as typeof original;
    try {
      seen.modalAnswer = 'Start Run';
      vscode.workspace.workspaceFolders = [{ uri: { fsPath: dir }, name: 'repo', index: 0 }];
      const ctx = { extension: { workspaceState: new MemoryMemento() }, log: memoryLog(), version: '0.0.0-test', activationMs: () => 0 } as never;
      const controller = new RunController(ctx, new PanelState(), { text: '', tooltip: '' } as never);
      const r = await controller.start(PACKET_FILE);
      assert.equal(r.started, false);
      assert.match(r.message ?? '', /station reproduce: agent "clippy"/);
    } finally {
      vscode.workspace.getConfiguration = original;
    }
    assert.deepEqual(runsOf(dir), []);
  });
});

describe('app/compose: model access is an optional injection under the run budget', () => {
  it('given a factory, the ports carry its provider, made for this run under the packet budget; agents are routed; without one there is none', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'shopfloor-compose-'));
    for (const args of [['init', '-q'], ['commit', '-q', '--allow-empty', '-m', 'init']]) execFileSync('git', args, { cwd: dir, env: { ...process.env, GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@e' } });
    const provider: ModelAccessProvider = { forStation: async () => ({ env: {}, release: async () => undefined }) };
    const asked: unknown[] = [];
    const setup = { packet: { ...issue(), budget: { tokens: 1234 } }, blueprint: { ...BUGFIX, budget: { usd: 9 } }, profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: false, environment: 'local' as const };
    const ui = { gatekeeper: { decide: async () => ({ decision: 'approve' as const, by: { kind: 'human' as const, name: 'a' } }) }, humans: { perform: async () => ({ done: true, by: 'a' }) }, engineVersion: 'test' };
    const folder = runFolder(dir, newRunId(Date.now()));
    const a = await composeRun({ folder, setup, ...ui, modelAccess: (run) => (asked.push(run), provider) });
    try {
      assert.equal(a.ports.modelAccess, provider);
      assert.deepEqual(asked, [{ runId: folder.runId, budget: { tokens: 1234 } }]);
      assert.ok(a.ports.agents instanceof RoutedAgentRunner);
    } finally {
      await a.close();
    }
    const b = await composeRun({ folder: runFolder(dir, newRunId(Date.now() + 1000)), setup, ...ui });
    try {
      assert.equal(b.ports.modelAccess, undefined);
    } finally {
      await b.close();
    }
  });
});
