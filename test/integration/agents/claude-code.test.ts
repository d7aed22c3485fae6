import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Station } from '../../../src/contracts';

type AgentStation = Extract<Station, { kind: 'agent' }>;
import { ClaudeCodeRunner } from '../../../src/adapters/agents/claude-code';
import { ContainerEnvironmentProvider } from '../../../src/adapters/docker/container-environment';
import { GitWorkspaceProvider } from '../../../src/adapters/git/worktree';
import { buildStationPrompt } from '../../../src/core/agent/prompt';
import type { AgentResult, AgentTask, ModelAccess, RunWorkspace } from '../../../src/core/run/ports';
import { READ_ONLY_AGENT_ROLES } from '../../../src/core/run/station-exec';
import { aPacket } from '../../support/builders';
import { AnthropicDouble, type DoubleTurn } from '../../support/model-double/anthropic';
import { loadCases, materialize } from '../acceptance/line-support';
import { IMAGE, requireEngine, testRuntime } from '../docker/support';
import { testInstaller } from './support';

/** The placeholder the model proxy would hand a station: never a real key. */
const PLACEHOLDER = 'sk-shopfloor-placeholder-station';

/**
 * Real Claude Code (from npm, at its pinned version, from the install volume) in a real
 * station container over a real brownfield repository (shell-quote 1.7.2, CVE-2021-42740),
 * driven by the Anthropic model double on the egress network's gateway, the one address a
 * station on that internal network can reach besides the egress proxy.
 */
describe('Claude Code in a station container (real Docker, real CLI, model double)', function () {
  this.timeout(600_000);
  const { rt, cleanup } = testRuntime('claude');
  const installer = testInstaller(rt);
  const runner = new ClaudeCodeRunner({ installer, maxRetries: 0 });
  const provider = new ContainerEnvironmentProvider({ runtime: rt, sessionId: `it-claude-${process.pid}`, defaultImage: IMAGE, repoName: 'shell-quote', scratchDir: () => '/tmp/sf-claude-scratch' });
  const kase = loadCases().cases.find((c) => c.id === 'shell-quote-backtick-injection')!;
  let repo: string;
  let gateway: string;
  let fixedLine: string;
  let brokenLine: string;
  const doubles: AnthropicDouble[] = [];
  let n = 0;

  before(async () => {
    await requireEngine(rt);
    repo = materialize(kase.package, kase.vulnerable);
    const fixed = materialize(kase.package, kase.fixed);
    const [a, b] = [readFileSync(join(repo, 'index.js'), 'utf8').split('\n'), readFileSync(join(fixed, 'index.js'), 'utf8').split('\n')];
    const i = a.findIndex((l, k) => l !== b[k]);
    [brokenLine, fixedLine] = [a[i]!, b[i]!];
    gateway = new URL((await rt.helperAccess()).proxyUrl).hostname;
  });

  after(async () => {
    for (const d of doubles) await d.close();
    await cleanup();
  });

  /** Runs one agent station of `role` against a double scripted with `turns`. */
  async function station(role: AgentStation['role'], turns: DoubleTurn[], o: { timeoutMs?: number; access?: (m: ModelAccess) => ModelAccess } = {}): Promise<{ r: AgentResult; double: AnthropicDouble; ws: RunWorkspace; log: string }> {
    const double = new AnthropicDouble(turns);
    doubles.push(double);
    const base = await double.listen(gateway);
    const runId = `20261202-160000-cl${process.pid}${n++}`;
    const workspaces = new GitWorkspaceProvider(repo);
    const ws = await workspaces.create(runId, await workspaces.resolveBase(undefined));
    const st: AgentStation = { id: role, kind: 'agent', role, agent: 'claude', maxTurns: 8, gate: { when: 'none', allowSkip: false }, retries: 0 };
    const prep = await runner.prepare(st);
    const env = await provider.prepare({
      runId,
      stationId: st.id,
      workspaceDir: ws.dir,
      // The internal egress network with nothing allowed: the station reaches only the gateway (the model double, as the model proxy would be).
      network: { mode: 'egress', allow: [] },
      env: {},
      mounts: [],
      volumes: prep.volumes,
      readOnlyWorkspace: READ_ONLY_AGENT_ROLES.includes(role),
    });
    const packet = aPacket().with('intent', kase.seed).build();
    let access: ModelAccess = { env: { ANTHROPIC_BASE_URL: base, ANTHROPIC_API_KEY: PLACEHOLDER } };
    if (o.access) access = o.access(access);
    let log = '';
    const task: AgentTask = {
      station: st,
      role,
      packet,
      prompt: buildStationPrompt({ packet, station: st, blueprint: { name: 'brownfield-fix', version: '1' } }),
      readOnly: READ_ONLY_AGENT_ROLES.includes(role),
      modelAccess: access,
      environment: env,
      timeoutMs: o.timeoutMs ?? 120_000,
      onOutput: (c) => (log += c),
    };
    const r = await runner.run(task);
    await provider.cleanup(runId);
    return { r, double, ws, log };
  }

  function assertOnlyPlaceholderKey(double: AnthropicDouble): void {
    assert.ok(double.requests.length > 0, 'the CLI reached the double');
    for (const q of double.requests) {
      assert.equal(q.headers['x-api-key'], PLACEHOLDER, `${q.url}: ${JSON.stringify(q.headers)}`);
      assert.ok(!JSON.stringify(q.headers).includes('sk-ant-'), 'no real Anthropic key');
    }
  }

  it('implements the real fix: reads the file, edits it, runs the proof of concept, claims PR_READY; tool calls, usage, cost and session in the result', async () => {
    const poc = kase.poc.map((a) => (/^[\w./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
    const claim = { terminal: 'PR_READY', summary: 'Escape the backtick after a drive-letter pattern: the range A-z became A-Za-z.', filesChanged: ['index.js'], validationRun: [poc] };
    const { r, double, ws, log } = await station('implement', [
      { blocks: [{ type: 'text', text: 'Reading the quoting code.' }, { type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/shell-quote/index.js' } }] },
      { blocks: [{ type: 'tool_use', name: 'Edit', input: { file_path: '/workspaces/shell-quote/index.js', old_string: brokenLine, new_string: fixedLine } }] },
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: poc, description: 'proof of concept' } }] },
      { blocks: [{ type: 'text', text: `Fixed.\n\`\`\`shopfloor-claim\n${JSON.stringify(claim)}\n\`\`\`` }], usage: { input: 300, output: 60 } },
    ]);
    assert.equal(r.outcome, 'done', `${r.endDetail}\n${log}`);
    assert.equal(r.agent, 'claude');
    assert.equal(r.version, '@anthropic-ai/claude-code@2.1.332');
    assert.equal(r.claim?.terminal, 'PR_READY', r.claimProblem);
    assert.deepEqual(
      r.toolCalls?.map((c) => [c.name, c.outcome]),
      [
        ['Read', 'ok'],
        ['Edit', 'ok'],
        ['Bash', 'ok'],
      ],
      log,
    );
    assert.ok(r.toolCalls!.every((c) => typeof c.durationMs === 'number'));
    const model = double.conversation()[0]!.body.model as string;
    assert.equal(r.usage?.length, 1);
    assert.equal(r.usage![0]!.model, model);
    assert.equal(r.usage![0]!.inputTokens, 600);
    assert.equal(r.usage![0]!.outputTokens, 120);
    assert.ok((r.cost?.usd ?? 0) > 0, JSON.stringify(r.cost));
    assert.match(r.sessionId ?? '', /^[0-9a-f-]{36}$/);
    const diff = await ws.diff();
    assert.deepEqual(diff.files.map((f) => f.path), ['index.js']);
    assert.match(diff.patch, /\+.*\[A-Za-z\]:/);
    assertOnlyPlaceholderKey(double);
    // The station log is readable: one line per event, not raw JSON.
    assert.match(log, /\[tool\] Edit ok/);
    assert.ok(!/^\{"type"/m.test(log), log);
  });

  it('an investigate station claims NO_OP: its workspace is read-only (a write fails), nothing changes, the claim is read', async () => {
    const claim = { terminal: 'NO_OP', summary: 'Nothing to change.', reasoning: 'The workspace is read-only for an investigation.' };
    const { r, double, ws, log } = await station('investigate', [
      { blocks: [{ type: 'tool_use', name: 'Read', input: { file_path: '/workspaces/shell-quote/index.js' } }] },
      { blocks: [{ type: 'tool_use', name: 'Bash', input: { command: 'touch /workspaces/shell-quote/planted.txt', description: 'try to write' } }] },
      { blocks: [{ type: 'text', text: `Report.\n\`\`\`shopfloor-claim\n${JSON.stringify(claim)}\n\`\`\`` }] },
    ]);
    assert.equal(r.outcome, 'done', `${r.endDetail}\n${log}`);
    assert.equal(r.claim?.terminal, 'NO_OP', r.claimProblem);
    assert.deepEqual(
      r.toolCalls?.map((c) => [c.name, c.outcome]),
      [
        ['Read', 'ok'],
        ['Bash', 'error'],
      ],
      log,
    );
    assert.match(log, /Read-only file system/);
    assert.deepEqual((await ws.diff()).files, []);
    assert.match(r.text ?? '', /^Report\./);
    // A read-only station is not offered the write tools at all.
    const tools = (double.conversation()[0]!.body.tools as Array<{ name: string }>).map((t) => t.name);
    assert.ok(!tools.includes('Edit') && !tools.includes('Write'), tools.join(','));
    assertOnlyPlaceholderKey(double);
  });

  it('the model API failing (HTTP 500) ends the station as an error with a readable reason', async () => {
    const { r, log } = await station('implement', [{ status: 500 }, { status: 500 }, { status: 500 }]);
    assert.equal(r.outcome, 'error', log);
    assert.match(r.endDetail ?? '', /model API status 500/, r.endDetail);
    assert.match(log, /\[shopfloor\] Claude Code ended with an error/);
  });

  it('a hung model ends with timeout at the station limit; a spent budget stops the CLI as budget-exceeded', async () => {
    const t = await station('implement', [{ hang: true }], { timeoutMs: 4000 });
    assert.equal(t.r.outcome, 'timeout', t.log);
    assert.equal(t.r.endReason, 'timeout');

    const budget = new AbortController();
    const b = await station('implement', [{ hang: true }], {
      access: (m) => {
        setTimeout(() => budget.abort(), 3000);
        return { ...m, budgetSignal: budget.signal, budgetExceeded: () => 'station tokens 10234 of 10000' };
      },
    });
    assert.equal(b.r.outcome, 'budget-exceeded', b.log);
    assert.match(b.r.endDetail ?? '', /station tokens 10234 of 10000/);
    assert.ok(b.r.durationMs < 60_000, String(b.r.durationMs));
  });

  it('refuses a real Anthropic key in the model access before anything runs', async () => {
    const { r, double } = await station('implement', [], { access: (m) => ({ ...m, env: { ...m.env, ANTHROPIC_API_KEY: 'sk-ant-api03-abcdef' } }) });
    assert.equal(r.outcome, 'error');
    assert.match(r.endDetail ?? '', /real Anthropic credential/);
    assert.equal(double.requests.length, 0);
  });
});
