import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AiderAgentRunner, aiderArgv, aiderEnv, AIDER_MISSING } from '../../../../src/adapters/agents/aider';
import { AiderOutputParser } from '../../../../src/adapters/agents/aider-events';
import { streamOutcome } from '../../../../src/adapters/agents/stream-agent';
import { AGENT_REGISTRY } from '../../../../src/app/agent-routing';
import { AgentStreamRecord } from '../../../../src/core/agent/events';
import type { ExecOptions, ExecResult, StationEnvironment } from '../../../../src/core/run/ports';
import { agentTask } from '../../../support/agent-clis';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'agents', 'aider');

function replay(lines: string[], model = 'gpt-4.1'): { record: AgentStreamRecord; log: string[] } {
  const parser = new AiderOutputParser(model);
  const record = new AgentStreamRecord();
  const log: string[] = [];
  for (const line of lines) for (const item of parser.line(line)) log.push(record.apply(item));
  return { record, log };
}
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'utf8').split('\n');

describe("adapters/agents: the Aider output parser on real Aider transcripts (Aider's tests/fixtures/chat-history.md)", () => {
  it('a --msg run: the reply is the final message, usage and cost of the model its Model: line names', () => {
    const { record, log } = replay(fixture('msg-hi.md'));
    assert.deepEqual(record.usage(), [{ model: 'gpt-4o-mini', inputTokens: 12566, outputTokens: 84, usd: 0.0019 }]);
    assert.match(record.finalText ?? '', /^It seems like you want to change the greeting.*\n[\s\S]*Please add these files to the chat so I can assist you further!$/);
    assert.deepEqual(record.toolCalls, []);
    assert.ok(log.includes('Aider v0.47.2-dev') && log.includes('Model: gpt-4o-mini with whole edit format'), 'announcements are logged');
    assert.ok(!log.includes('hi'), 'the user message is not echoed');
    assert.equal(streamOutcome({ exitCode: 0, endReason: 'exited', truncated: false }, record, {}).outcome, 'done');
  });

  it('an applied edit and its commit: tool calls edit and commit, the usage line before them', () => {
    const { record, log } = replay(fixture('edit-commit.md'), 'gpt-4o');
    assert.deepEqual(record.toolCalls, [{ name: 'edit', outcome: 'ok' }, { name: 'commit', outcome: 'ok' }]);
    assert.deepEqual(record.usage(), [{ model: 'gpt-4o', inputTokens: 8985, outputTokens: 883, usd: 0.04 }]);
    assert.ok(log.includes('Applied edit to tests/basic/test_repo.py'));
    assert.ok(log.includes('Commit 04fff71 feat: Add tests for `subtree_only`'));
    assert.match(record.finalText ?? '', /^This new test method, `test_subtree_only`/);
  });

  it('a model error: a failure, no final message, so exit 0 is still an error', () => {
    const { record } = replay(fixture('api-error.md'));
    assert.deepEqual(record.failures, ['aider: Unexpected error: litellm.APIConnectionError: APIConnectionError: OpenAIException - {']);
    assert.equal(record.finalText, undefined);
    assert.equal(record.usage(), undefined);
    const end = streamOutcome({ exitCode: 0, endReason: 'exited', truncated: false }, record, {});
    assert.equal(end.outcome, 'error');
    assert.match(end.detail ?? '', /reported a failure: aider: Unexpected error/);
  });

  // Not a recording: lines built from the f-strings of aider/coders/base_coder.py (current main) and utils.py format_tokens, as the console prints them (no `> `).
  it('console lines of the current format: rounded k counts, cache hit and write, the cost on its own line, a malformed edit', () => {
    const { record } = replay(['Model: anthropic/claude-sonnet-4 with diff edit format', 'Done.', '```shopfloor-claim', '{"terminal":"PR_READY","summary":"x"}', '```', 'Tokens: 5.2k sent, 3.0k cache write, 12k cache hit, 604 received.', 'Cost: $0.02 message, $0.05 session.', 'The LLM did not conform to the edit format.']);
    assert.deepEqual(record.usage(), [{ model: 'anthropic/claude-sonnet-4', inputTokens: 2200, outputTokens: 604, cacheReadTokens: 12000, cacheWriteTokens: 3000, usd: 0.02 }]);
    assert.deepEqual(record.toolCalls, [{ name: 'edit', outcome: 'error' }]);
    assert.match(record.finalText ?? '', /^Done\.\n```shopfloor-claim/);
  });
});

describe('adapters/agents: the Aider command line and registry entry', () => {
  it('one-shot --message, no prompts, plain output, no commits of its own; the proxy as OPENAI_API_BASE', () => {
    assert.deepEqual(aiderArgv({ command: ['aider'], model: 'gpt-4.1', prompt: '-x' }), ['aider', '--message=-x', '--model', 'gpt-4.1', '--yes-always', '--no-pretty', '--no-stream', '--no-auto-commits', '--no-dirty-commits', '--no-gitignore', '--no-check-update', '--no-show-release-notes', '--no-analytics', '--no-fancy-input', '--no-detect-urls', '--no-suggest-shell-commands']);
    assert.deepEqual(aiderEnv({ baseUrl: 'http://proxy:1/openai/v1', key: 'sf-proxy-k' }), { OPENAI_API_BASE: 'http://proxy:1/openai/v1', OPENAI_API_KEY: 'sf-proxy-k', NO_COLOR: '1' });
  });

  it('the registry has aider; a station image without it ends in error naming pip install aider-chat, and Aider is not started', async () => {
    const factory = AGENT_REGISTRY.aider;
    assert.ok(factory);
    const runner = factory({}, {});
    assert.ok(runner instanceof AiderAgentRunner);
    assert.deepEqual(await runner.prepare!({} as never), { volumes: [], needsModel: true });
    const calls: string[][] = [];
    const env = { exec: async (argv: string[]): Promise<ExecResult> => (calls.push(argv), { exitCode: 127, output: 'sh: 1: exec: aider: not found\n', durationMs: 1, truncated: false, endReason: 'exited' }) } as unknown as StationEnvironment;
    const r = await runner.run(agentTask(env, 'Fix it'));
    assert.equal(r.outcome, 'error');
    assert.equal(r.agent, 'aider');
    assert.match(r.output, /needs Aider installed in the station image \(pip install aider-chat/);
    assert.match(r.output, /exited 127: sh: 1: exec: aider: not found/);
    assert.equal(r.endDetail, AIDER_MISSING);
    assert.equal(calls.length, 1, 'only the version probe ran');
  });

  it('with Aider on the PATH: the version, then the run read by the parser', async () => {
    const calls: { argv: string[]; opts: ExecOptions }[] = [];
    const env = {
      exec: async (argv: string[], opts: ExecOptions): Promise<ExecResult> => {
        calls.push({ argv, opts });
        if (argv.includes('--version')) return { exitCode: 0, output: 'aider 0.86.1\n', durationMs: 1, truncated: false, endReason: 'exited' };
        opts.onOutput?.(fixture('edit-commit.md').join('\n'));
        return { exitCode: 0, output: '', durationMs: 1, truncated: false, endReason: 'exited' };
      },
    } as unknown as StationEnvironment;
    const r = await new AiderAgentRunner({ model: 'gpt-4o' }).run(agentTask(env, 'Add tests', { modelAccess: { env: { OPENAI_BASE_URL: 'http://proxy:9/openai/v1', OPENAI_API_KEY: 'sf-proxy-t' } } }));
    assert.equal(r.outcome, 'done', r.output);
    assert.equal(r.version, 'aider-chat@0.86.1');
    assert.deepEqual(r.toolCalls?.map((t) => t.name), ['edit', 'commit']);
    assert.deepEqual(r.cost, { inputTokens: 8985, outputTokens: 883, usd: 0.04 });
    assert.equal(r.claimProblem !== undefined, true, 'this transcript has no claim block');
    assert.equal(calls[1]!.opts.env?.OPENAI_API_BASE, 'http://proxy:9/openai/v1');
    assert.deepEqual(calls[1]!.argv.slice(0, 5), ['sh', '-c', 'exec "$@" </dev/null 2>&1', 'aider', 'aider']);
  });
});
