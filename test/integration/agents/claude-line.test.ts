import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_UPSTREAMS } from '../../../src/adapters/model-proxy';
import { DEFAULT_PRICES } from '../../../src/core/agent/pricing';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { composeRun } from '../../../src/app/compose';
import type { Blueprint, TaskPacket } from '../../../src/contracts';
import { runLine } from '../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';
import { aBlueprint, aPacket } from '../../support/builders';
import { AnthropicDouble } from '../../support/model-double/anthropic';
import { loadCases, materialize } from '../acceptance/line-support';
import { requireDocker } from '../support/docker';

/**
 * The whole line with a real Claude Code implement station: the engine from the failing
 * proof of concept to PR_READY, through the composition root's Docker environments (its
 * runtime, its egress network, its agent runner: `agent: claude` goes to Claude Code), real git, the brownfield repository shell-quote 1.7.2,
 * and the CLI driven by the Anthropic model double on the egress network's gateway.
 *
 * The engine does not hand agent stations model access yet (the model proxy is another
 * part of issue 10), so the test gives the runner the double's address and a placeholder
 * key, as the model-access port will: only that is stubbed.
 */
describe('the line with a Claude Code implement station (real Docker, real CLI, model double)', function () {
  this.timeout(600_000);

  it('ends PR_READY with the real fix on the output branch and Agent: claude in the commit', async () => {
    await requireDocker();
    const kase = loadCases().cases.find((c) => c.id === 'shell-quote-backtick-injection')!;
    const repo = materialize(kase.package, kase.vulnerable);
    const fixed = materialize(kase.package, kase.fixed);
    const [a, b] = [readFileSync(join(repo, 'index.js'), 'utf8').split('\n'), readFileSync(join(fixed, 'index.js'), 'utf8').split('\n')];
    const i = a.findIndex((l, k) => l !== b[k]);

    const double = new AnthropicDouble([
      { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/repo/index.js' } }] },
      { blocks: [{ type: 'tool_use', name: 'Edit', input: { file_path: '/workspaces/repo/index.js', old_string: a[i], new_string: b[i] } }] },
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: kase.poc.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ') } }] },
      { blocks: [{ type: 'text', text: 'Fixed.\n```shopfloor-claim\n{"terminal":"PR_READY","summary":"A-z became A-Za-z.","filesChanged":["index.js"]}\n```' }] },
    ]);
    // The double is the provider: on the host's loopback, reached only by the run's model proxy, which adds the key.
    const base = await double.listen('127.0.0.1');
    const realKey = `sk-ant-canary-${Math.random().toString(16).slice(2)}`;

    const none = { when: 'none' as const, allowSkip: false };
    const blueprint: Blueprint = aBlueprint()
      .with('maxRevisions', 0)
      .with('defaults', { timeoutSec: 180, retries: 0 })
      .with('stations', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        // Network none, as in the built-ins: the line puts an agent that calls a model on the egress network, where the model proxy is.
        { id: 'implement', role: 'implement', kind: 'agent', agent: 'claude', maxTurns: 10, gate: none, retries: 0 },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
      ])
      .build();
    const packet: TaskPacket = aPacket().with('intent', kase.seed).withScope('index.js').with('reproduction', [{ argv: kase.poc }]).with('validation', [{ argv: kase.poc }]).build();
    const runId = `20261202-170000-${Math.random().toString(16).slice(2, 8)}`;
    const c = await composeRun({
      folder: runFolder(repo, runId),
      setup: { packet, blueprint, profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: true, environment: 'docker' },
      gatekeeper: new PolicyGatekeeper(),
      humans: { perform: async () => ({ done: false, by: 'nobody' }) },
      observer: {},
      engineVersion: 'claude-line-test',
      modelConfig: { keys: { anthropic: realKey }, upstreams: { ...DEFAULT_UPSTREAMS, anthropic: base }, prices: DEFAULT_PRICES },
    });
    try {
      const out = await runLine(c.inputs, c.ports);
      console.log(`      line: ${out.terminal.state} ${out.terminal.reason} by ${out.rule}: ${out.terminal.detail ?? ''}`);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'validated-fix']);
      assert.deepEqual([out.evidence.reproduction.before[0]!.exitCode, out.evidence.reproduction.after[0]!.exitCode], [1, 0]);
      const branch = out.output?.branch;
      assert.ok(branch, 'an output branch was created');
      const msg = execFileSync('git', ['log', '-1', '--format=%B', branch], { cwd: repo, encoding: 'utf8' });
      assert.match(msg, /\nAgent: claude\n/);
      const diff = execFileSync('git', ['diff', 'HEAD', branch, '--', 'index.js'], { cwd: repo, encoding: 'utf8' });
      assert.match(diff, /\+.*\[A-Za-z\]:/);
      // The proxy swapped the station's placeholder for the real key; the key is nowhere in the run folder.
      assert.ok(double.requests.length >= 4);
      for (const q of double.requests) assert.equal(q.headers['x-api-key'], realKey);
      const runDir = join(repo, '.shopfloor', 'runs', runId);
      const texts = spawnSync('grep', ['-rl', realKey, runDir], { encoding: 'utf8' }).stdout.trim();
      assert.equal(texts, '', `the real key was written to ${texts}`);
      // Tokens and cost in the evidence, from the agent's own report and the proxy's meter.
      const agent = out.evidence.agents.find((x) => x.stationId === 'implement');
      assert.ok(agent, 'the evidence has the implement agent');
      assert.ok((agent.usage ?? []).some((u) => u.inputTokens > 0 && u.outputTokens > 0), JSON.stringify(agent.usage));
      assert.ok((out.evidence.agentTotals?.usd ?? 0) > 0, JSON.stringify(out.evidence.agentTotals));
      assert.ok(readFileSync(join(runDir, 'artifacts', 'model-usage.jsonl'), 'utf8').trim().split('\n').length >= 4, 'the proxy metered every call');
    } finally {
      await c.close();
      await double.close();
    }
  });
});
