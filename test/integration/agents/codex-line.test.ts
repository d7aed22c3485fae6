import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_UPSTREAMS } from '../../../src/adapters/model-proxy';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { composeRun } from '../../../src/app/compose';
import type { Blueprint, TaskPacket } from '../../../src/contracts';
import { DEFAULT_PRICES } from '../../../src/core/agent/pricing';
import { runLine } from '../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';
import { aBlueprint, aPacket } from '../../support/builders';
import { startOpenAIDouble } from '../../support/model-double/openai';
import { loadCases, materialize } from '../acceptance/line-support';
import { requireDocker } from '../support/docker';

/**
 * The whole line with a Codex implement station (real Docker, the real Codex CLI installed
 * by the agent-CLI install cache into its volume, real git), on the brownfield repository
 * shell-quote 1.7.2 (CVE-2021-42740), against the OpenAI Responses double on the host's
 * loopback, reached only through the run's model proxy, which adds the real key.
 */
describe('the line with a Codex implement station (real Docker, real CLI, model double)', function () {
  this.timeout(15 * 60_000);

  it('ends PR_READY with the real fix on the output branch, Agent: codex, tokens and cost in the evidence', async () => {
    await requireDocker();
    const kase = loadCases().cases.find((c) => c.id === 'shell-quote-backtick-injection')!;
    const repo = materialize(kase.package, kase.vulnerable);
    const fixed = materialize(kase.package, kase.fixed);
    const [a, b] = [readFileSync(join(repo, 'index.js'), 'utf8').split('\n'), readFileSync(join(fixed, 'index.js'), 'utf8').split('\n')];
    const i = a.findIndex((l, k) => l !== b[k]);
    const patch = `*** Begin Patch\n*** Update File: index.js\n@@\n-${a[i]}\n+${b[i]}\n*** End Patch`;
    const claim = '```shopfloor-claim\n{"terminal":"PR_READY","summary":"A-z became A-Za-z.","filesChanged":["index.js"]}\n```';
    const double = await startOpenAIDouble(
      [
        { calls: [{ name: 'exec_command', arguments: { cmd: 'sed -n 1,40p index.js' } }], usage: { input: 900, output: 30 } },
        { calls: [{ name: 'exec_command', arguments: { cmd: `apply_patch <<'EOF'\n${patch}\nEOF` } }], usage: { input: 1100, output: 60 } },
        { calls: [{ name: 'exec_command', arguments: { cmd: kase.poc.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ') } }], usage: { input: 1300, output: 20 } },
        { text: `Fixed.\n${claim}`, usage: { input: 1400, output: 50 } },
      ],
      { host: '127.0.0.1' },
    );
    const realKey = `sk-proj-canary-${Math.random().toString(16).slice(2)}`;
    const none = { when: 'none' as const, allowSkip: false };
    const blueprint: Blueprint = aBlueprint()
      .with('maxRevisions', 0)
      .with('defaults', { timeoutSec: 300, retries: 0 })
      .with('stations', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        { id: 'implement', role: 'implement', kind: 'agent', agent: 'codex', gate: none, retries: 0 },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
      ])
      .build();
    const packet: TaskPacket = aPacket().with('intent', kase.seed).withScope('index.js').with('reproduction', [{ argv: kase.poc }]).with('validation', [{ argv: kase.poc }]).build();
    const runId = `20261202-171000-${Math.random().toString(16).slice(2, 8)}`;
    const c = await composeRun({
      folder: runFolder(repo, runId),
      setup: { packet, blueprint, profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: true, environment: 'docker' },
      gatekeeper: new PolicyGatekeeper(),
      humans: { perform: async () => ({ done: false, by: 'nobody' }) },
      observer: {},
      engineVersion: 'codex-line-test',
      modelConfig: { keys: { openai: realKey }, upstreams: { ...DEFAULT_UPSTREAMS, openai: double.baseUrl.replace(/\/v1$/, '') }, prices: DEFAULT_PRICES },
    });
    try {
      const out = await runLine(c.inputs, c.ports);
      console.log(`      line: ${out.terminal.state} ${out.terminal.reason} by ${out.rule}: ${out.terminal.detail ?? ''}`);
      assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'validated-fix']);
      const branch = out.output!.branch!;
      assert.match(execFileSync('git', ['log', '-1', '--format=%B', branch], { cwd: repo, encoding: 'utf8' }), /\nAgent: codex\n/);
      assert.match(execFileSync('git', ['diff', 'HEAD', branch, '--', 'index.js'], { cwd: repo, encoding: 'utf8' }), /\+.*\[A-Za-z\]:/);
      const calls = double.requests.filter((q) => q.path.includes('/responses'));
      assert.ok(calls.length >= 4, `model calls: ${calls.length}`);
      for (const q of calls) assert.equal(q.headers.authorization, `Bearer ${realKey}`, 'the proxy added the real key');
      const runDir = join(repo, '.shopfloor', 'runs', runId);
      assert.equal(spawnSync('grep', ['-rl', realKey, runDir], { encoding: 'utf8' }).stdout.trim(), '', 'the real key is in the run folder');
      const agent = out.evidence.agents.find((x) => x.stationId === 'implement');
      assert.equal(agent?.version, '@openai/codex@0.171.0');
      assert.ok((agent?.usage ?? []).some((u) => u.inputTokens > 0 && u.outputTokens > 0), JSON.stringify(agent?.usage));
      assert.ok((out.evidence.agentTotals?.inputTokens ?? 0) > 0 && (out.evidence.agentTotals?.usd ?? 0) > 0, JSON.stringify(out.evidence.agentTotals));
    } finally {
      await c.close();
      await double.close();
    }
  });
});
