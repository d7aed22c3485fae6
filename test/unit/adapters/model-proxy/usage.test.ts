import { strict as assert } from 'node:assert';
import { SseReader } from '../../../../src/adapters/model-proxy/sse';
import { UsageMeter, requestModel } from '../../../../src/adapters/model-proxy/usage';
import type { ModelProvider } from '../../../../src/contracts';

/** Feeds `text` to a meter in pieces of `size` bytes (UTF-8 sequences and CRLFs split on purpose). */
function meter(provider: ModelProvider, contentType: string, text: string, size: number, model?: string) {
  const m = new UsageMeter(provider, contentType, model);
  const b = Buffer.from(text, 'utf8');
  for (let i = 0; i < b.length; i += size) m.feed(b.subarray(i, i + size));
  return m.end();
}

const sse = (events: [string, unknown][], eol = '\n') => events.map(([e, d]) => `event: ${e}${eol}data: ${JSON.stringify(d)}${eol}${eol}`).join('');

const ANTHROPIC_SSE = sse([
  ['message_start', { type: 'message_start', message: { id: 'm', model: 'claude-sonnet-4-5', content: [], usage: { input_tokens: 1200, cache_read_input_tokens: 3000, cache_creation_input_tokens: 400, output_tokens: 1 } } }],
  ['content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'héllo “wörld” ✓' } }],
  ['message_delta', { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 321 } }],
  ['message_stop', { type: 'message_stop' }],
]);

describe('adapters/model-proxy: reading usage from responses', () => {
  it('SSE: events split at every byte boundary, CRLF and CR line ends, multi-line data, no final blank line', () => {
    for (const size of [1, 2, 3, 7, 1000]) {
      const got: string[] = [];
      const r = new SseReader((d) => got.push(d));
      const text = 'event: a\r\ndata: {"x":"é✓"}\r\n\r\n: comment\rdata: line1\rdata: line2\r\rdata:nospace\n\ndata: last';
      const b = Buffer.from(text);
      for (let i = 0; i < b.length; i += size) r.feed(b.subarray(i, i + size));
      r.end();
      assert.deepEqual(got, ['{"x":"é✓"}', 'line1\nline2', 'nospace', 'last'], `chunk size ${size}`);
    }
  });

  it('Anthropic stream: message_start input and cache counts, message_delta cumulative output', () => {
    for (const [size, eol] of [[1, '\n'], [5, '\r\n'], [64, '\n']] as const) {
      const text = eol === '\n' ? ANTHROPIC_SSE : ANTHROPIC_SSE.replace(/\n/g, '\r\n');
      assert.deepEqual(meter('anthropic', 'text/event-stream; charset=utf-8', text, size), { model: 'claude-sonnet-4-5', inputTokens: 1200, outputTokens: 321, cacheReadTokens: 3000, cacheWriteTokens: 400 });
    }
  });

  it('Anthropic JSON response', () => {
    const body = JSON.stringify({ id: 'm', type: 'message', model: 'claude-haiku-4-5', content: [{ type: 'text', text: 'hi' }], usage: { input_tokens: 10, output_tokens: 20 } });
    assert.deepEqual(meter('anthropic', 'application/json', body, 3), { model: 'claude-haiku-4-5', inputTokens: 10, outputTokens: 20 });
  });

  it('OpenAI Responses stream: response.completed usage, cached tokens split out of input', () => {
    const text = sse([
      ['response.created', { type: 'response.created', response: { id: 'r', model: 'gpt-5', usage: null } }],
      ['response.output_text.delta', { type: 'response.output_text.delta', delta: 'ok' }],
      ['response.completed', { type: 'response.completed', response: { id: 'r', model: 'gpt-5-2025-08-07', usage: { input_tokens: 5000, input_tokens_details: { cached_tokens: 4000 }, output_tokens: 250, output_tokens_details: { reasoning_tokens: 200 }, total_tokens: 5250 } } }],
    ]);
    for (const size of [1, 9, 4096]) assert.deepEqual(meter('openai', 'text/event-stream', text, size), { model: 'gpt-5-2025-08-07', inputTokens: 1000, outputTokens: 250, cacheReadTokens: 4000 });
  });

  it('OpenAI Chat Completions: usage on the last chunk before [DONE], and in a JSON body', () => {
    const chunk = (o: unknown) => `data: ${JSON.stringify(o)}\n\n`;
    const text = chunk({ id: 'c', model: 'gpt-4o', choices: [{ delta: { content: 'a' } }], usage: null }) + chunk({ id: 'c', model: 'gpt-4o', choices: [], usage: { prompt_tokens: 80, completion_tokens: 9, prompt_tokens_details: { cached_tokens: 0 } } }) + 'data: [DONE]\n\n';
    for (const size of [1, 13]) assert.deepEqual(meter('openai', 'text/event-stream', text, size), { model: 'gpt-4o', inputTokens: 80, outputTokens: 9 });
    assert.deepEqual(meter('openai', 'application/json', JSON.stringify({ object: 'chat.completion', model: 'gpt-4o-mini', usage: { prompt_tokens: 3, completion_tokens: 4 } }), 2), { model: 'gpt-4o-mini', inputTokens: 3, outputTokens: 4 });
  });

  it('Gemini: cumulative usageMetadata in SSE chunks, thoughts as output, a JSON array without alt=sse', () => {
    const c = (o: unknown) => `data: ${JSON.stringify(o)}\r\n\r\n`;
    const text =
      c({ candidates: [{ content: { parts: [{ text: 'a' }] } }], usageMetadata: { promptTokenCount: 900, candidatesTokenCount: 1 }, modelVersion: 'gemini-2.5-pro' }) +
      c({ candidates: [{ content: { parts: [{ text: 'b' }] } }], usageMetadata: { promptTokenCount: 900, cachedContentTokenCount: 100, candidatesTokenCount: 40, thoughtsTokenCount: 60, totalTokenCount: 1000 }, modelVersion: 'gemini-2.5-pro' });
    for (const size of [1, 3, 500]) assert.deepEqual(meter('gemini', 'text/event-stream', text, size), { model: 'gemini-2.5-pro', inputTokens: 800, outputTokens: 100, cacheReadTokens: 100 });
    const arr = JSON.stringify([{ usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 1 } }, { usageMetadata: { promptTokenCount: 5, candidatesTokenCount: 7 } }]);
    assert.deepEqual(meter('gemini', 'application/json', arr, 4, 'gemini-2.5-flash'), { model: 'gemini-2.5-flash', inputTokens: 5, outputTokens: 7 });
  });

  it('no usage: undefined; malformed events are skipped, not fatal', () => {
    assert.equal(meter('anthropic', 'text/event-stream', 'data: {not json\n\ndata: {"type":"ping"}\n\n', 2), undefined);
    assert.equal(meter('openai', 'application/json', '<html>bad gateway</html>', 5), undefined);
    assert.deepEqual(meter('anthropic', 'text/event-stream', 'data: {broken\n\n' + ANTHROPIC_SSE, 4)?.outputTokens, 321);
  });

  it("the request's model: the body's model field, or Gemini's from the path", () => {
    assert.equal(requestModel('anthropic', '/v1/messages', Buffer.from('{"model":"claude-sonnet-4-5","max_tokens":1}')), 'claude-sonnet-4-5');
    assert.equal(requestModel('gemini', '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse', Buffer.alloc(0)), 'gemini-2.5-pro');
  });

  it('complete: set by the last event of each provider\'s stream (message_stop, response.completed/incomplete/failed, [DONE], a Gemini finishReason), not before', () => {
    const cases: [ModelProvider, string, unknown[]][] = [
      ['anthropic', 'message_stop', [{ type: 'message_start', message: { usage: { input_tokens: 1 } } }, { type: 'message_delta', usage: { output_tokens: 2 } }, { type: 'message_stop' }]],
      ['openai', 'response.completed', [{ type: 'response.created', response: {} }, { type: 'response.completed', response: { usage: { input_tokens: 1, output_tokens: 1 } } }]],
      ['openai', 'response.failed', [{ type: 'response.created', response: {} }, { type: 'response.failed', response: {} }]],
      ['openai', '[DONE]', [{ choices: [{ delta: { content: 'x' } }] }, { usage: { prompt_tokens: 1, completion_tokens: 1 } }, '[DONE]']],
      ['gemini', 'finishReason', [{ candidates: [{ content: {} }] }, { candidates: [{ finishReason: 'STOP' }], usageMetadata: { promptTokenCount: 1 } }]],
    ];
    for (const [provider, what, events] of cases) {
      const m = new UsageMeter(provider, 'text/event-stream');
      for (const [i, e] of events.entries()) {
        m.feed(Buffer.from(`data: ${typeof e === 'string' ? e : JSON.stringify(e)}\n\n`));
        assert.equal(m.complete, i === events.length - 1, `${provider} ${what}: after event ${i}`);
      }
    }
    const json = new UsageMeter('anthropic', 'application/json');
    json.feed(Buffer.from('{"type":"message","usage":{"input_tokens":1}}'));
    assert.equal(json.complete, false, 'a JSON body is complete only when it ends (the proxy accounts it then)');
  });
});
