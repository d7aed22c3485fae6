import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { approved } from '../support/approved';
import { requireDocker } from '../support/docker';
import { tempRepo } from '../git/temp-repo';
import { runsOf, startCli } from '../store/cli';
import { AnthropicDouble } from '../../support/model-double/anthropic';

/**
 * Issue 10, bad input: `kill -9` of `shopfloor run` during an agent station, then
 * `--resume` (real Docker, real Claude Code, the CLI as a process with its model proxy
 * configured from the environment as a user's would be): the run finishes, and the plan
 * station that had finished is not run, or paid for, again.
 */
describe('agent stations: a run killed during an agent station resumes without paying twice (real Docker, real CLI)', function () {
  this.timeout(10 * 60_000);
  const saved = { base: process.env.SHOPFLOOR_ANTHROPIC_BASE_URL, key: process.env.ANTHROPIC_API_KEY };
  after(() => {
    for (const [k, v] of [['SHOPFLOOR_ANTHROPIC_BASE_URL', saved.base], ['ANTHROPIC_API_KEY', saved.key]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it('kill -9 while the implement agent waits on its model; resume reaches PR_READY; the plan agent ran once', async () => {
    await requireDocker();
    const t = tempRepo();
    const claim = '```shopfloor-claim\n{"terminal":"PR_READY","summary":"index.js exports fixed","filesChanged":["index.js"]}\n```';
    const double = new AnthropicDouble([
      { blocks: [{ type: 'text', text: 'Plan: make index.js export "fixed"; validate with node test.js.' }] },
      { hang: true },
      { blocks: [{ type: 'tool_use', name: 'Write', input: { file_path: '/workspaces/repo/index.js', content: "module.exports = 'fixed';\n" } }] },
      { blocks: [{ type: 'text', text: `Done.\n${claim}` }] },
    ]);
    const base = await double.listen('127.0.0.1');
    process.env.SHOPFLOOR_ANTHROPIC_BASE_URL = base;
    process.env.ANTHROPIC_API_KEY = `sk-ant-canary-${Math.random().toString(16).slice(2)}`;
    try {
      const packet = approved({
        schemaVersion: 1, id: 'agent-resume', intent: 'index.js exports fixed', source: { kind: 'issue', text: 'index.js says broken' },
        scope: { paths: [{ path: 'index.js' }], services: [] }, nonGoals: [], reproduction: [{ argv: ['node', 'repro.js'] }], allowedTools: [],
        validation: [{ argv: ['node', 'test.js'] }], noOpRules: [{ when: 'reproduction-passes-before-change', then: 'NO_OP' }], evidenceRequired: [], outputFormat: 'pr', risk: 'one-reviewer',
      });
      const blueprint = {
        schemaVersion: 1, name: 'agent-resume-line', version: '1.0.0', tier: 'team', pattern: 'unattended', maxRevisions: 0,
        stations: [
          { id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
          { id: 'plan', role: 'plan', kind: 'agent', agent: 'claude', maxTurns: 4 },
          { id: 'implement', role: 'implement', kind: 'agent', agent: 'claude', maxTurns: 6 },
          { id: 'reproduce-after', role: 'reproduce', kind: 'command', from: 'packet.reproduction' },
          { id: 'validate', role: 'validate', kind: 'command', from: 'packet.validation' },
        ],
      };
      fs.writeFileSync(join(t.root, 'packet.json'), JSON.stringify(packet));
      fs.writeFileSync(join(t.root, 'blueprint.json'), JSON.stringify(blueprint));
      const args = ['run', '--repo', t.repo, '--packet', join(t.root, 'packet.json'), '--blueprint', join(t.root, 'blueprint.json'), '--unattended', '--json', '--no-setup'];
      // Killed once the implement agent's first model call is held by the double.
      const conversations = () => double.requests.filter((q) => String(q.url).startsWith('/v1/messages') && JSON.stringify(q.body ?? '').includes('station of a Shopfloor line')).length;
      const first = startCli(args);
      const firstExit = new Promise<number | null>((res) => first.once('exit', res));
      const implementAsked = () => double.requests.some((q) => JSON.stringify(q.body ?? '').includes('You are the implement station'));
      for (const until = Date.now() + 240_000; !implementAsked(); await new Promise((r) => setTimeout(r, 50))) {
        if (Date.now() > until || first.exitCode !== null) throw new Error('the implement agent never called its model');
      }
      first.kill('SIGKILL');
      assert.equal(await firstExit, null, 'killed by the signal');
      const killed = { runId: runsOf(t.repo)[0]! };
      const planCalls = double.requests.filter((q) => JSON.stringify(q.body ?? '').includes('You are the plan station')).length;
      assert.equal(planCalls, 1, 'the plan agent called its model once before the kill');

      // Not spawnSync: the double answers from this process's event loop.
      const child = startCli(['run', '--repo', t.repo, '--resume', killed.runId, '--json']);
      let stdout = '';
      let stderr = '';
      child.stdout!.on('data', (d) => (stdout += d));
      child.stderr!.on('data', (d) => (stderr += d));
      const code = await new Promise<number | null>((res) => child.once('exit', res));
      const r = { code, stdout, stderr };
      assert.equal(r.code, 0, r.stderr);
      const s = JSON.parse(r.stdout);
      assert.equal(s.terminalState, 'PR_READY', r.stdout);
      assert.equal(double.requests.filter((q) => JSON.stringify(q.body ?? '').includes('You are the plan station')).length, 1, 'the resume did not run the finished plan station again');
      assert.ok(conversations() >= 3);
      const ev = JSON.parse(fs.readFileSync(s.evidence, 'utf8'));
      assert.deepEqual(ev.agents.filter((a: { stationId: string }) => a.stationId === 'plan').length, 1);
    } finally {
      await double.close();
    }
  });
});
