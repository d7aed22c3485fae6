import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GeminiEventParser } from '../../../../src/adapters/agents/gemini-events';
import { streamOutcome } from '../../../../src/adapters/agents/stream-agent';
import { extractClaim } from '../../../../src/core/agent/claim';
import { AgentStreamRecord } from '../../../../src/core/agent/events';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'agents', 'gemini');

function replay(name: string): { record: AgentStreamRecord; log: string[] } {
  const parser = new GeminiEventParser();
  const record = new AgentStreamRecord();
  const log: string[] = [];
  for (const line of readFileSync(join(FIXTURES, name), 'utf8').split('\n')) for (const item of parser.line(line)) log.push(record.apply(item));
  return { record, log };
}

describe('adapters/agents: the Gemini CLI stream-json parser on recorded real output (Gemini CLI 0.61.0)', () => {
  it('a session with shell commands and file writes: tool calls with durations and outcomes, usage by model, session, final message with the claim', () => {
    const { record, log } = replay('session.jsonl');
    assert.deepEqual(
      record.toolCalls.map((t) => [t.name, t.outcome]),
      [
        ['run_shell_command', 'ok'],
        ['write_file', 'ok'],
        ['write_file', 'error'],
        ['run_shell_command', 'ok'],
      ],
    );
    assert.ok(record.toolCalls.every((t) => typeof t.durationMs === 'number' && t.durationMs >= 0), 'durations from the tool_use and tool_result timestamps');
    assert.deepEqual(record.usage(), [{ model: 'double-model', inputTokens: 6550, outputTokens: 175, cacheReadTokens: 200 }]);
    assert.equal(record.sessionId, 'cfb230a1-5b37-40cf-b454-33517016b795');
    const claim = extractClaim(record.finalText);
    assert.ok('claim' in claim && claim.claim.terminal === 'PR_READY', JSON.stringify(claim));
    assert.ok(log.some((l) => /^Path not in workspace/.test(l)), 'the refused write says why');
    assert.ok(log.includes('Command exited with code: 4'));
    assert.ok(!log.some((l) => l === 'Fix note.txt'), 'the user prompt is not echoed into the log');
    assert.equal(streamOutcome({ exitCode: 0, endReason: 'exited', truncated: false }, record, {}).outcome, 'done');
  });

  it('a refused request: result status error is a failure with the API message, and no final message', () => {
    const { record } = replay('refused.jsonl');
    assert.equal(record.finalText, undefined);
    assert.equal(record.usage(), undefined, 'zero usage is not reported');
    assert.match(record.failures[0] ?? '', /^gemini: \[API Error: .*The double refuses this request\./);
    const end = streamOutcome({ exitCode: 144, endReason: 'exited', truncated: false }, record, {});
    assert.equal(end.outcome, 'error');
    assert.match(end.detail ?? '', /exited with code 144: gemini: \[API Error/);
  });

  it('delta messages are joined into one answer; a tool call starts the next one', () => {
    const p = new GeminiEventParser();
    const r = new AgentStreamRecord();
    const lines = [
      '{"type":"message","role":"assistant","content":"Let me ","delta":true}',
      '{"type":"message","role":"assistant","content":"look.","delta":true}',
      '{"type":"tool_use","timestamp":"2026-01-01T00:00:00.000Z","tool_name":"read_file","tool_id":"t1","parameters":{}}',
      '{"type":"tool_result","timestamp":"2026-01-01T00:00:00.250Z","tool_id":"t1","status":"success"}',
      '{"type":"message","role":"assistant","content":"All ","delta":true}',
      '{"type":"message","role":"assistant","content":"done.","delta":true}',
      '{"type":"result","status":"success","stats":{"models":{}}}',
    ];
    const log = lines.flatMap((l) => p.line(l)).map((i) => r.apply(i));
    assert.deepEqual(log, ['Let me look.', '[tool_use] read_file {}', '[tool] read_file ok 250 ms', 'All done.']);
    assert.equal(r.finalText, 'All done.');
  });
});
