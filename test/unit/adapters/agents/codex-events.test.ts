import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CodexEventParser } from '../../../../src/adapters/agents/codex-events';
import { streamOutcome } from '../../../../src/adapters/agents/stream-agent';
import { AgentStreamRecord } from '../../../../src/core/agent/events';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'agents', 'codex');

/** Feeds a recorded Codex stream through the parser; the clock advances 5 ms per line. */
function replay(name: string): { record: AgentStreamRecord; log: string[] } {
  let t = 0;
  const parser = new CodexEventParser('double-model', () => (t += 5));
  const record = new AgentStreamRecord();
  const log: string[] = [];
  for (const line of readFileSync(join(FIXTURES, name), 'utf8').split('\n')) for (const item of parser.line(line)) log.push(record.apply(item));
  return { record, log };
}

describe('adapters/agents: the Codex exec --json parser on recorded real output (Codex 0.171.0)', () => {
  it('a session with commands, a patch and a final message: tool calls with durations and outcomes, usage, session, final message', () => {
    const { record, log } = replay('exec-session.jsonl');
    assert.deepEqual(record.toolCalls, [
      { name: 'command_execution', outcome: 'ok', durationMs: 5 },
      { name: 'file_change', outcome: 'ok', durationMs: 5 },
      { name: 'command_execution', outcome: 'error', durationMs: 5 },
    ]);
    assert.deepEqual(record.usage(), [{ model: 'double-model', inputTokens: 5200, outputTokens: 150, cacheReadTokens: 200 }]);
    assert.equal(record.sessionId, '01a23786-5005-74b2-a5c9-2471765c4182');
    assert.match(record.finalText ?? '', /^Wrote note\.txt and hello\.txt\.\n```shopfloor-claim/);
    assert.deepEqual(record.failures, []);
    assert.ok(log.some((l) => /^\$ .*note\.txt.* → completed \(exit 0\)$/.test(l)), log.join('\n'));
    assert.ok(log.includes('fixed'), 'the command output is in the log');
    assert.ok(log.some((l) => /^\[patch\] completed: add .*hello\.txt$/.test(l)));
    assert.ok(log.some((l) => /exit 4'? → failed \(exit 4\)/.test(l)));
    assert.ok(log.some((l) => /^\[codex\] warning: Model metadata/.test(l)), 'a non-fatal error item is a warning line');
    assert.equal(streamOutcome({ exitCode: 0, endReason: 'exited', truncated: false }, record, {}).outcome, 'done');
  });

  it('a refused request: turn.failed is a failure, so the station ends in error with the provider message', () => {
    const { record, log } = replay('turn-failed.jsonl');
    assert.equal(record.failures.length, 1);
    assert.match(record.failures[0]!, /^codex turn failed: .*The double refuses this request\./);
    assert.ok(log.some((l) => /^\[codex\] error: .*refuses/.test(l)), 'the top-level error event is logged');
    assert.equal(record.finalText, undefined);
    const end = streamOutcome({ exitCode: 1, endReason: 'exited', truncated: false }, record, {});
    assert.equal(end.outcome, 'error');
    assert.match(end.detail ?? '', /exited with code 1: codex turn failed/);
  });

  it('MCP tool calls: named mcp__<server>__<tool>, a call the tool reports as an error is an error', () => {
    const { record } = replay('mcp-session.jsonl');
    assert.deepEqual(record.toolCalls, [
      { name: 'mcp__gw__echo', outcome: 'ok', durationMs: 5 },
      { name: 'mcp__gw__echo', outcome: 'error', durationMs: 5 },
    ]);
    assert.deepEqual(record.usage(), [{ model: 'double-model', inputTokens: 960, outputTokens: 40 }]);
  });

  it('a reconnect reported as a top-level error, then a finished turn: still done (Codex retries are not failures)', () => {
    const p = new CodexEventParser('m');
    const r = new AgentStreamRecord();
    const lines = [
      '{"type":"thread.started","thread_id":"t"}',
      '{"type":"turn.started"}',
      '{"type":"error","message":"Reconnecting... 1/5 (stream disconnected before completion)"}',
      '{"type":"item.completed","item":{"id":"item_1","type":"agent_message","text":"done"}}',
      '{"type":"turn.completed","usage":{"input_tokens":10,"cached_input_tokens":0,"output_tokens":1}}',
    ];
    const log = lines.flatMap((l) => p.line(l)).map((i) => r.apply(i));
    assert.ok(log.includes('[codex] error: Reconnecting... 1/5 (stream disconnected before completion)'));
    assert.equal(streamOutcome({ exitCode: 0, endReason: 'exited', truncated: false }, r, {}).outcome, 'done');
  });

  it('lines that are not Codex events are log text; unknown types are logged, not fatal', () => {
    const p = new CodexEventParser('m');
    assert.deepEqual(p.line('Reading additional input from stdin...'), [{ type: 'log', text: 'Reading additional input from stdin...' }]);
    assert.deepEqual(p.line('{"type":"thread.archived"}'), [{ type: 'log', text: '[codex] thread.archived' }]);
    assert.deepEqual(p.line('{"type":"item.completed","item":{"id":"i","type":"hologram"}}'), [{ type: 'log', text: '[codex] item hologram' }]);
    assert.deepEqual(p.line('{"type":"item.completed","item":{"id":"m","type":"mcp_tool_call","server":"gateway","tool":"search","status":"failed","error":{"message":"denied"}}}'), [
      { type: 'log', text: '[mcp] gateway/search failed: denied' },
      { type: 'tool', name: 'mcp__gateway__search', outcome: 'error' },
    ]);
  });
});
