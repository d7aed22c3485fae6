import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import type { Budget } from '../../../src/contracts';
import type { Gatekeeper } from '../../../src/core/run/ports';
import { startOpenAIDouble, type OpenAIDouble, type OpenAITurn } from '../../support/model-double/openai';
import { OPENCODE_TITLE } from '../../support/model-double/opencode-session';
import { agentLine, claimBlock, SHELL_QUOTE as kase } from './line-support';

/**
 * The whole line with an OpenCode implement station (real Docker, the real OpenCode CLI installed
 * by the agent-CLI install cache into its volume, real git), on the brownfield repository
 * shell-quote 1.7.2 (CVE-2021-42740), against the OpenAI Responses double on the host's
 * loopback, reached only through the run's model proxy, which adds the real key.
 */
describe('the line with an OpenCode implement station (real Docker, real CLI, model double)', function () {
  this.timeout(15 * 60_000);

  /** One run of the line (agentLine) with the Responses double scripted by `turns`. */
  async function line(turns: (fix: { from: string; to: string }) => OpenAITurn[], o: { gatekeeper?: Gatekeeper; budget?: Budget } = {}) {
    let double!: OpenAIDouble;
    const calls = () => double.requests.filter((q) => q.path.includes('/responses'));
    const r = await agentLine({
      agent: 'opencode',
      provider: 'openai',
      credential: (key) => `Bearer ${key}`,
      start: async (fix) => {
        double = await startOpenAIDouble(turns(fix), { host: '127.0.0.1', untooled: OPENCODE_TITLE });
        return { upstream: double.baseUrl.replace(/\/v1$/, ''), credentials: () => calls().map((q) => String(q.headers.authorization)), close: () => double.close() };
      },
      ...o,
    });
    return { ...r, calls: calls() };
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
