import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClaudeStreamReader } from '../../../../src/adapters/agents/claude-stream';
import { extractClaim } from '../../../../src/core/agent/claim';

const FIXTURES = join(__dirname, '..', '..', '..', 'fixtures', 'agents', 'claude');

/** Feeds a transcript in uneven chunks, as the container's exec delivers it. */
function read(text: string, chunk = 97): { reader: ClaudeStreamReader; log: string[] } {
  const log: string[] = [];
  let t = 0;
  const reader = new ClaudeStreamReader((l) => log.push(l), () => (t += 10));
  for (let i = 0; i < text.length; i += chunk) reader.push(text.slice(i, i + chunk));
  reader.end();
  return { reader, log };
}

/**
 * The stream-json reader on transcripts recorded from the real Claude Code 2.1.332 against
 * the model double (test/fixtures/agents/claude/README.md says how they were made).
 */
describe('Claude Code stream-json reader', () => {
  it('reads session, tool calls paired with their results, usage by model, cost and the claim from a real transcript', () => {
    const { reader, log } = read(readFileSync(join(FIXTURES, 'fix-read-edit-bash.jsonl'), 'utf8'));
    assert.equal(reader.sessionId, '56a9c90d-bafb-4cae-8203-f5789b720d2d');
    const calls = reader.toolCalls();
    assert.deepEqual(
      calls.map((c) => [c.name, c.outcome]),
      [
        ['Read', 'ok'],
        ['Edit', 'ok'],
        ['Bash', 'error'],
      ],
    );
    for (const c of calls) assert.ok(typeof c.durationMs === 'number' && c.durationMs > 0, JSON.stringify(c));
    assert.deepEqual(reader.usage(), [{ model: 'claude-opus-5-5', inputTokens: 400, outputTokens: 80, usd: 0.0032 }]);
    assert.equal(reader.result?.total_cost_usd, 0.0032);
    const claim = extractClaim(reader.finalText());
    assert.ok('claim' in claim, JSON.stringify(claim));
    assert.equal(claim.claim.terminal, 'PR_READY');
    assert.equal(reader.nonJsonCount, 0);
    assert.ok(log.some((l) => l.startsWith('[tool] Bash failed: Exit code 1')), log.join('\n'));
    assert.ok(log.some((l) => /^\[claude\] finished \(success\) after 4 turn/.test(l)), log.join('\n'));
    // Readable: no raw JSON reaches the station log.
    assert.ok(!log.some((l) => l.startsWith('{')), log.join('\n'));
  });

  it('same result whatever the chunking (one byte at a time)', () => {
    const text = readFileSync(join(FIXTURES, 'fix-read-edit-bash.jsonl'), 'utf8');
    const a = read(text, 1).reader;
    assert.deepEqual(a.toolCalls().map((c) => c.name), ['Read', 'Edit', 'Bash']);
    assert.equal(a.sessionId, '56a9c90d-bafb-4cae-8203-f5789b720d2d');
  });

  it('keeps non-JSON lines (a crash trace) and a last line without newline; a tool call never answered stays unknown', () => {
    const lines = [
      '{"type":"system","subtype":"init","session_id":"s1","model":"m","tools":["Bash"]}',
      '{"type":"assistant","message":{"id":"a","model":"m","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"sleep 99"}}],"usage":{"input_tokens":7,"output_tokens":3}}}',
      'panic: something broke',
      'Segmentation fault',
    ].join('\n');
    const { reader, log } = read(lines);
    assert.deepEqual(reader.toolCalls(), [{ name: 'Bash', outcome: 'unknown' }]);
    assert.deepEqual(reader.nonJson, ['panic: something broke', 'Segmentation fault']);
    assert.deepEqual(reader.usage(), [{ model: 'm', inputTokens: 7, outputTokens: 3 }]);
    assert.equal(reader.result, undefined);
    assert.ok(log.includes('Segmentation fault'));
  });

  it('counts a message once although Claude Code writes one line per content block', () => {
    const block = (b: string) => `{"type":"assistant","message":{"id":"same","model":"m","content":[${b}],"usage":{"input_tokens":100,"output_tokens":20}}}`;
    const { reader } = read([block('{"type":"text","text":"hi"}'), block('{"type":"tool_use","id":"t","name":"Read","input":{}}')].join('\n') + '\n');
    assert.deepEqual(reader.usage(), [{ model: 'm', inputTokens: 100, outputTokens: 20 }]);
    assert.equal(reader.finalText(), 'hi');
  });
});
