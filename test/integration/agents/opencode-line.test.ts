import { strict as assert } from 'node:assert';
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_UPSTREAMS } from '../../../src/adapters/model-proxy';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { composeRun } from '../../../src/app/compose';
import type { Blueprint, Budget, TaskPacket } from '../../../src/contracts';
import type { Gatekeeper } from '../../../src/core/run/ports';
import { DEFAULT_PRICES } from '../../../src/core/agent/pricing';
import { runLine, type RunOutcome } from '../../../src/core/run/engine';
import { PolicyGatekeeper } from '../../../src/core/run/gate-policy';
import { aBlueprint, aPacket } from '../../support/builders';
import { startOpenAIDouble, type OpenAITurn } from '../../support/model-double/openai';
import { OPENCODE_TITLE } from '../../support/model-double/opencode-session';
import { loadCases, materialize } from '../acceptance/line-support';
import { requireDocker } from '../support/docker';

/**
 * The whole line with an OpenCode implement station (real Docker, the real OpenCode CLI installed
 * by the agent-CLI install cache into its volume, real git), on the brownfield repository
 * shell-quote 1.7.2 (CVE-2021-42740), against the OpenAI Responses double on the host's
 * loopback, reached only through the run's model proxy, which adds the real key.
 */
describe('the line with an OpenCode implement station (real Docker, real CLI, model double)', function () {
  this.timeout(15 * 60_000);
  const kase = loadCases().cases.find((c) => c.id === 'shell-quote-backtick-injection')!;

  const claimBlock = (c: Record<string, unknown>) => '```shopfloor-claim\n' + JSON.stringify(c) + '\n```';

  /** One run of the line over a fresh shell-quote 1.7.2 with the Responses double scripted by `turns`. */
  async function line(turns: (fix: { from: string; to: string }) => OpenAITurn[], o: { gatekeeper?: Gatekeeper; budget?: Budget } = {}) {
    await requireDocker();
    const repo = materialize(kase.package, kase.vulnerable);
    const fixed = materialize(kase.package, kase.fixed);
    const [a, b] = [readFileSync(join(repo, 'index.js'), 'utf8').split('\n'), readFileSync(join(fixed, 'index.js'), 'utf8').split('\n')];
    const i = a.findIndex((l, k) => l !== b[k]);
    const double = await startOpenAIDouble(turns({ from: a[i]!, to: b[i]! }), { host: '127.0.0.1', untooled: OPENCODE_TITLE });
    const realKey = `sk-proj-canary-${Math.random().toString(16).slice(2)}`;
    const none = { when: 'none' as const, allowSkip: false };
    const blueprint: Blueprint = aBlueprint()
      .with('maxRevisions', 0)
      .with('defaults', { timeoutSec: 300, retries: 0 })
      .with('stations', [
        { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        { id: 'implement', role: 'implement', kind: 'agent', agent: 'opencode', gate: none, retries: 0, ...(o.budget ? { budget: o.budget } : {}) },
        { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction', gate: none, retries: 0 },
        { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation', gate: none, retries: 0 },
      ])
      .build();
    const packet: TaskPacket = aPacket().with('intent', kase.seed).withScope('index.js').with('reproduction', [{ argv: kase.poc }]).with('validation', [{ argv: kase.poc }]).build();
    const runId = `20261202-171000-${Math.random().toString(16).slice(2, 8)}`;
    const c = await composeRun({
      folder: runFolder(repo, runId),
      setup: { packet, blueprint, profile: { setup: [], dependencyCheck: [], registryHosts: [] }, unattended: true, environment: 'docker' },
      gatekeeper: o.gatekeeper ?? new PolicyGatekeeper(),
      humans: { perform: async () => ({ done: false, by: 'nobody' }) },
      observer: {},
      engineVersion: 'opencode-line-test',
      modelConfig: { keys: { openai: realKey }, upstreams: { ...DEFAULT_UPSTREAMS, openai: double.baseUrl.replace(/\/v1$/, '') }, prices: DEFAULT_PRICES },
    });
    let out: RunOutcome;
    try {
      out = await runLine(c.inputs, c.ports);
    } finally {
      await c.close();
      await double.close();
    }
    console.log(`      line: ${out.terminal.state} ${out.terminal.reason} by ${out.rule}: ${out.terminal.detail ?? ''}`);
    const calls = double.requests.filter((q) => q.path.includes('/responses'));
    for (const q of calls) assert.equal(q.headers.authorization, `Bearer ${realKey}`, 'the proxy added the real key');
    const runDir = join(repo, '.shopfloor', 'runs', runId);
    assert.equal(spawnSync('grep', ['-rl', realKey, runDir, join(repo, '.git')], { encoding: 'utf8' }).stdout.trim(), '', 'the real key is in the run folder or the repository');
    return { out, repo, calls };
  }

  it('a session that reads, patches and validates ends PR_READY with the real fix, Agent: opencode, tokens and cost in the evidence', async () => {
    const { out, repo, calls } = await line((fix) => [
      { calls: [{ name: 'bash', arguments: { command: 'sed -n 1,40p index.js', description: 'read index.js' } }], usage: { input: 900, output: 30 } },
      { calls: [{ name: 'apply_patch', arguments: { patchText: `*** Begin Patch\n*** Update File: index.js\n@@\n-${fix.from}\n+${fix.to}\n*** End Patch` } }], usage: { input: 1100, output: 60 } },
      { calls: [{ name: 'bash', arguments: { command: kase.poc.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' '), description: 'run the proof of concept' } }], usage: { input: 1300, output: 20 } },
      { text: `Fixed.\n${claimBlock({ terminal: 'PR_READY', summary: 'A-z became A-Za-z.', filesChanged: ['index.js'] })}`, usage: { input: 1400, output: 50 } },
    ]);
    assert.deepEqual([out.terminal.state, out.terminal.reason], ['PR_READY', 'validated-fix']);
    const branch = out.output!.branch!;
    assert.match(execFileSync('git', ['log', '-1', '--format=%B', branch], { cwd: repo, encoding: 'utf8' }), /\nAgent: opencode\n/);
    assert.match(execFileSync('git', ['diff', 'HEAD', branch, '--', 'index.js'], { cwd: repo, encoding: 'utf8' }), /\+.*\[A-Za-z\]:/);
    assert.ok(calls.length >= 4, `model calls: ${calls.length}`);
    const agent = out.evidence.agents.find((x) => x.stationId === 'implement');
    assert.equal(agent?.version, 'opencode-ai@1.18.33');
    assert.ok((agent?.usage ?? []).some((u) => u.inputTokens > 0 && u.outputTokens > 0), JSON.stringify(agent?.usage));
    assert.ok((out.evidence.agentTotals?.inputTokens ?? 0) > 0 && (out.evidence.agentTotals?.usd ?? 0) > 0, JSON.stringify(out.evidence.agentTotals));
  });
});
