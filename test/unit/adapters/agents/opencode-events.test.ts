import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OpenCodeEventParser } from '../../../../src/adapters/agents/opencode-events';
import { streamOutcome } from '../../../../src/adapters/agents/stream-agent';
import { extractClaim } from '../../../../src/core/agent/claim';
import { AgentStreamRecord } from '../../../../src/core/agent/events';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'agents', 'opencode');

function replay(name: string): { record: AgentStreamRecord; log: string[] } {
  const parser = new OpenCodeEventParser('openai/gpt-5');
  const record = new AgentStreamRecord();
  const log: string[] = [];
  for (const line of readFileSync(join(FIXTURES, name), 'utf8').split('\n')) for (const item of parser.line(line)) log.push(record.apply(item));
  return { record, log };
}

describe('adapters/agents: the OpenCode run --format json parser on recorded real output (OpenCode 1.18.33)', () => {
  it('a session with bash, apply_patch and read: tool calls with durations and outcomes, usage and cost by model, session, final message with the claim', () => {
    const { record, log } = replay('session.jsonl');
    assert.deepEqual(
      record.toolCalls.map((t) => [t.name, t.outcome]),
      [
        ['bash', 'ok'],
        ['apply_patch', 'ok'],
        ['bash', 'ok'],
        ['read', 'error'],
      ],
    );
    assert.ok(record.toolCalls.every((t) => typeof t.durationMs === 'number'));
    const [u] = record.usage()!;
    assert.equal(record.usage()!.length, 1);
    assert.deepEqual({ ...u, usd: undefined }, { model: 'gpt-5', inputTokens: 1000 + 1300 + 1400 + 1450 + 1500, outputTokens: 165, cacheReadTokens: 200, usd: undefined });
    assert.ok(u!.usd! > 0, 'OpenCode prices the steps itself');
    assert.equal(record.sessionId, 'ses_dc86e2430ffezQG8eR7xaM9Cka');
    const claim = extractClaim(record.finalText);
    assert.ok('claim' in claim && claim.claim.terminal === 'PR_READY', JSON.stringify(claim));
    assert.ok(log.some((l) => /^\[bash\] exit 4 \(exit 4\)$/.test(l)), log.join('\n'));
    assert.ok(log.some((l) => /^File not found: .*missing\.txt$/.test(l)));
    assert.equal(streamOutcome({ exitCode: 0, endReason: 'exited', truncated: false }, record, {}).outcome, 'done');
  });

  it('a refused request: the error event is a failure with the API message', () => {
    const { record } = replay('refused.jsonl');
    assert.deepEqual(record.failures, ['opencode: The double refuses this request.']);
    assert.equal(record.finalText, undefined);
    assert.equal(streamOutcome({ exitCode: 1, endReason: 'exited', truncated: false }, record, {}).outcome, 'error');
  });
});
