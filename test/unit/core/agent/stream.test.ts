import { strict as assert } from 'node:assert';
import { AgentStreamRecord, MAX_TOOL_CALLS, parseProtocolLine } from '../../../../src/core/agent/events';
import { LineSplitter } from '../../../../src/core/agent/lines';

describe('core/agent: reading agent streams (lines, protocol events, the record)', () => {
  it('splits chunks into lines across chunk borders, LF and CRLF, and keeps a last line without a break for end()', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('{"type":"lo'), []);
    assert.deepEqual(s.push('g","text":"a"}\r\nplain\nta'), [
      { line: '{"type":"log","text":"a"}', cut: false },
      { line: 'plain', cut: false },
    ]);
    assert.deepEqual(s.push('il'), []);
    assert.deepEqual(s.end(), [{ line: 'tail', cut: false }]);
  });

  it('cuts a line over the limit once and drops the rest of it, even when it arrives in many chunks', () => {
    const s = new LineSplitter(10);
    const out = [...s.push('x'.repeat(7)), ...s.push('x'.repeat(7)), ...s.push('y'.repeat(50)), ...s.push('zz\nnext\n')];
    assert.deepEqual(out, [
      { line: 'x'.repeat(10), cut: true },
      { line: 'next', cut: false },
    ]);
    assert.deepEqual(s.end(), []);
  });

  it('protocol lines: valid events pass; non-JSON is log text as it is; an invalid event is logged with the path of its bad field', () => {
    assert.deepEqual(parseProtocolLine('{"type":"tool","name":"Edit","outcome":"ok","durationMs":5}'), { type: 'tool', name: 'Edit', outcome: 'ok', durationMs: 5 });
    assert.deepEqual(parseProtocolLine('npm WARN something'), { type: 'log', text: 'npm WARN something' });
    assert.deepEqual(parseProtocolLine('{not json'), { type: 'log', text: '{not json' });
    const bad = parseProtocolLine('{"type":"usage","model":"m","inputTokens":"ten","outputTokens":1}');
    assert.equal(bad.type, 'log');
    assert.match((bad as { text: string }).text, /skipped an invalid agent event \(type "usage"\): at inputTokens:/);
    assert.match((parseProtocolLine('{"type":"dance"}') as { text: string }).text, /at type:/);
  });

  it('the record sums usage by model, keeps the last session and final message, and caps tool calls', () => {
    const r = new AgentStreamRecord();
    r.apply({ type: 'usage', model: 'a', inputTokens: 10, outputTokens: 1, cacheReadTokens: 4 });
    r.apply({ type: 'usage', model: 'b', inputTokens: 5, outputTokens: 5 });
    r.apply({ type: 'usage', model: 'a', inputTokens: 20, outputTokens: 2, usd: 0.5 });
    r.apply({ type: 'session', id: 's1' });
    r.apply({ type: 'session', id: 's2' });
    r.apply({ type: 'final', text: 'first' });
    assert.equal(r.apply({ type: 'final', text: 'last' }), 'last');
    assert.deepEqual(r.usage(), [
      { model: 'a', inputTokens: 30, outputTokens: 3, cacheReadTokens: 4, usd: 0.5 },
      { model: 'b', inputTokens: 5, outputTokens: 5 },
    ]);
    assert.equal(r.sessionId, 's2');
    assert.equal(r.finalText, 'last');
    for (let i = 0; i < MAX_TOOL_CALLS + 3; i++) r.apply({ type: 'tool', name: 'Bash', outcome: 'ok' });
    assert.equal(r.toolCalls.length, MAX_TOOL_CALLS);
    assert.equal(r.droppedToolCalls, 3);
    assert.equal(r.apply({ type: 'tool', name: 'Edit', outcome: 'error', durationMs: 12.4 }), '[tool] Edit error 12 ms');
  });
});
