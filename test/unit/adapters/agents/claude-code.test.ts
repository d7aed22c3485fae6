import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClaudeCodeRunner } from '../../../../src/adapters/agents/claude-code';
import type { AgentCliInstaller, InstalledCli } from '../../../../src/adapters/agents/cli-install';
import type { Station } from '../../../../src/contracts';
import type { AgentTask, ExecOptions, ExecResult, StationEnvironment } from '../../../../src/core/run/ports';
import { aPacket } from '../../../support/builders';

const TRANSCRIPT = readFileSync(join(__dirname, '..', '..', '..', 'fixtures', 'agents', 'claude', 'fix-read-edit-bash.jsonl'), 'utf8');
const CLI: InstalledCli = {
  volume: { volume: 'shopfloor-agent-claude-code-2.1.332', containerPath: '/opt/shopfloor/agents/claude-code' },
  bin: '/opt/shopfloor/agents/claude-code/pkg/node_modules/@anthropic-ai/claude-code/bin/claude.exe',
  marker: { cli: 'claude-code', npmName: '@anthropic-ai/claude-code', version: '2.1.332', installedAt: '2026-12-02T16:00:00Z', reportedVersion: '2.1.332 (Claude Code)' },
  reused: true,
};
const installer = { ensure: async () => CLI } as unknown as AgentCliInstaller;

/** A station environment whose exec writes `out` and ends as `end` says; records argv and options. */
function env(out: string, end: Partial<ExecResult> = {}): StationEnvironment & { calls: Array<{ argv: readonly string[]; o: ExecOptions }> } {
  const calls: Array<{ argv: readonly string[]; o: ExecOptions }> = [];
  return {
    calls,
    async exec(argv, o = {}) {
      calls.push({ argv, o });
      for (let i = 0; i < out.length; i += 300) o.onOutput?.(out.slice(i, i + 300));
      return { exitCode: 0, endReason: 'exited', durationMs: 10, output: out.slice(-100), truncated: false, ...end };
    },
    async dispose() {},
  };
}

function task(e: StationEnvironment, over: Partial<AgentTask> = {}): AgentTask {
  const station: Station = { id: 'implement', kind: 'agent', role: 'implement', agent: 'claude', maxTurns: 7, gate: { when: 'none', allowSkip: false }, retries: 0 };
  return { station, role: 'implement', packet: aPacket().build(), prompt: { text: 'PROMPT', template: 't', sha256: 'x' }, modelAccess: { env: { ANTHROPIC_BASE_URL: 'http://172.18.0.1:4000', ANTHROPIC_API_KEY: 'placeholder' } }, environment: e, timeoutMs: 1000, ...over };
}

describe('Claude Code adapter (fake station environment)', () => {
  const runner = new ClaudeCodeRunner({ installer });

  it('runs the CLI from its volume with stream-json, bypassed permissions (the container is the sandbox), max turns, resume, the model env and no telemetry', async () => {
    const e = env(TRANSCRIPT);
    const r = await runner.run(task(e, { session: 'sess-1' }));
    const { argv, o } = e.calls[0]!;
    assert.deepEqual(argv, [CLI.bin, '-p', 'PROMPT', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'bypassPermissions', '--max-turns', '7', '--resume', 'sess-1']);
    assert.equal(o.env?.ANTHROPIC_BASE_URL, 'http://172.18.0.1:4000');
    assert.equal(o.env?.DISABLE_TELEMETRY, '1');
    assert.equal(o.env?.CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC, '1');
    assert.match(o.env?.NO_PROXY ?? '', /(^|,)172\.18\.0\.1(,|$)/, 'the model proxy is reached directly, not through the egress proxy');
    assert.equal(r.outcome, 'done');
    assert.equal(r.claim?.terminal, 'PR_READY');
    assert.equal(r.sessionId, '56a9c90d-bafb-4cae-8203-f5789b720d2d');
    assert.deepEqual(r.cost, { inputTokens: 400, outputTokens: 80, usd: 0.0032 });
  });

  it('a read-only task is not offered the write tools', async () => {
    const e = env(TRANSCRIPT);
    await runner.run(task(e, { readOnly: true, role: 'plan' }));
    const argv = e.calls[0]!.argv;
    assert.deepEqual(argv.slice(argv.indexOf('--disallowedTools'), argv.indexOf('--disallowedTools') + 2), ['--disallowedTools', 'Edit,Write,NotebookEdit']);
  });

  it('a crash (non-zero exit, no result event) is an error quoting what the CLI wrote', async () => {
    const r = await runner.run(task(env('{"type":"system","subtype":"init","session_id":"s"}\nError: Cannot find module x\n    at load (cli.js:1)\n', { exitCode: 1 })));
    assert.equal(r.outcome, 'error');
    assert.match(r.endDetail ?? '', /exited 1 without a result event; it wrote: Error: Cannot find module x \| at load/);
    assert.equal(r.sessionId, 's');
  });

  it('output past the stream cap before the result is an error saying so', async () => {
    const r = await runner.run(task(env('{"type":"system","subtype":"init","session_id":"s"}\n', { truncated: true })));
    assert.equal(r.outcome, 'error');
    assert.match(r.endDetail ?? '', /stream cap/);
  });

  it('max turns reached is gave-up; a timeout is timeout; a station wall passes its end reason through', async () => {
    const maxTurns = '{"type":"result","subtype":"error_max_turns","is_error":true,"num_turns":7,"session_id":"s"}\n';
    assert.equal((await runner.run(task(env(maxTurns)))).outcome, 'gave-up');
    const t = await runner.run(task(env('', { endReason: 'timeout', exitCode: null })));
    assert.equal(t.outcome, 'timeout');
    const w = await runner.run(task(env('', { endReason: 'oom-killed', exitCode: 137, endDetail: 'memory wall' })));
    assert.deepEqual([w.outcome, w.endReason, w.endDetail], ['error', 'oom-killed', 'memory wall']);
  });

  it('no model access, or a real Anthropic key in it, is refused before the CLI runs', async () => {
    const e = env(TRANSCRIPT);
    const none = await runner.run(task(e, { modelAccess: undefined }));
    assert.equal(none.outcome, 'error');
    assert.match(none.endDetail ?? '', /needs model access/);
    const real = await runner.run(task(e, { modelAccess: { env: { ANTHROPIC_API_KEY: 'sk-ant-api03-xyz' } } }));
    assert.match(real.endDetail ?? '', /real Anthropic credential/);
    assert.equal(e.calls.length, 0);
  });

  it('prepare asks for the CLI volume', async () => {
    assert.deepEqual(await runner.prepare(task(env('')).station), { volumes: [CLI.volume], needsModel: true });
  });
});
