import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startModelProxy, type ModelProxy } from '../../../src/adapters/model-proxy';
import { ModelCallRecordSchema } from '../../../src/contracts';
import { RUN_LAYOUT } from '../../../src/core/run/layout';
import { anthropicStream, sseEvent, startUpstream, type UpstreamDouble } from '../../support/model-double/upstream';

const REAL = { anthropic: 'sk-ant-REAL-canary-1', openai: 'sk-REAL-canary-2', gemini: 'AIza-REAL-canary-3' };

interface Got {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  /** Milliseconds from the request to the first body chunk. */
  firstChunkMs: number;
}

/** POSTs `body` to `url` with `headers`; `onChunk` sees each body chunk as it arrives. */
function post(url: string, headers: Record<string, string>, body: unknown, onChunk?: (s: string) => void): Promise<Got> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers } }, (res) => {
      let text = '';
      let first = -1;
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        if (first < 0) first = performance.now() - t0;
        text += c;
        onChunk?.(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, firstChunkMs: first }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('model proxy over real HTTP: credentials, streaming, usage, budgets', () => {
  let up: UpstreamDouble;
  let proxy: ModelProxy;
  let runDir: string;
  const usageLog = () => readFileSync(join(runDir, RUN_LAYOUT.modelUsage), 'utf8').trim().split('\n').map((l) => ModelCallRecordSchema.parse(JSON.parse(l)));

  beforeEach(async () => {
    up = await startUpstream();
    runDir = mkdtempSync(join(tmpdir(), 'sf-run-'));
    up.replies.set('/v1/messages', { sse: anthropicStream('claude-sonnet-4-5', 1000, 200) });
    up.replies.set('/v1/responses', {
      sse: [
        { type: 'response.created', response: { id: 'r', model: 'gpt-5', usage: null } },
        { type: 'response.completed', response: { id: 'r', model: 'gpt-5', usage: { input_tokens: 300, input_tokens_details: { cached_tokens: 100 }, output_tokens: 50 } } },
      ],
    });
    up.replies.set('/v1/chat/completions', { json: { id: 'c', object: 'chat.completion', model: 'gpt-4o', choices: [], usage: { prompt_tokens: 7, completion_tokens: 3 } } });
    up.replies.set('/v1beta/models/', { sse: [{ candidates: [], usageMetadata: { promptTokenCount: 40, candidatesTokenCount: 2 }, modelVersion: 'gemini-2.5-flash' }] });
    // The upstream base URL has a path, as a team gateway's would.
    const base = `${up.url}/gw`;
    up.replies.set('/gw/v1/messages', up.replies.get('/v1/messages')!);
    up.replies.set('/gw/v1/responses', up.replies.get('/v1/responses')!);
    up.replies.set('/gw/v1/chat/completions', up.replies.get('/v1/chat/completions')!);
    up.replies.set('/gw/v1beta/models/', up.replies.get('/v1beta/models/')!);
    proxy = await startModelProxy({ runId: 'r1', host: '127.0.0.1', upstreams: { anthropic: base, openai: base, gemini: base }, keys: REAL, usageLog: join(runDir, RUN_LAYOUT.modelUsage) });
  });
  afterEach(async () => {
    up.release();
    await proxy.close();
    await up.close();
  });

  it('swaps the placeholder for the real key per provider; the upstream never sees the placeholder and the client never sees the key', async () => {
    const access = await proxy.forStation('implement', 1, undefined);
    const env = access.env;
    const token = env.ANTHROPIC_API_KEY!;
    assert.ok(token.startsWith('sf-proxy-'));
    for (const k of ['OPENAI_API_KEY', 'GEMINI_API_KEY', 'SHOPFLOOR_MODEL_KEY']) assert.equal(env[k], token);
    assert.ok(!JSON.stringify(env).includes('REAL'), 'no real key in the station env');
    const a = await post(`${env.ANTHROPIC_BASE_URL}/v1/messages?beta=true`, { 'x-api-key': token, authorization: `Bearer ${token}`, 'anthropic-version': '2023-06-01' }, { model: 'claude-sonnet-4-5', stream: true });
    const o = await post(`${env.OPENAI_BASE_URL}/responses`, { authorization: `Bearer ${token}`, 'x-api-key': token, 'api-key': token }, { model: 'gpt-5', stream: true });
    const c = await post(`${env.OPENAI_BASE_URL}/chat/completions`, { authorization: `Bearer ${token}` }, { model: 'gpt-4o' });
    const g = await post(`${env.GOOGLE_GEMINI_BASE_URL}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${token}`, { 'x-goog-api-key': token }, { contents: [] });
    for (const r of [a, o, c, g]) assert.equal(r.status, 200, r.body);
    assert.equal(up.seen.length, 4);
    const [sa, so, sc, sg] = up.seen;
    assert.equal(sa!.url, '/gw/v1/messages?beta=true');
    assert.equal(sa!.headers['x-api-key'], REAL.anthropic);
    assert.equal(sa!.headers['anthropic-version'], '2023-06-01');
    assert.equal(so!.url, '/gw/v1/responses');
    assert.equal(so!.headers.authorization, `Bearer ${REAL.openai}`);
    assert.equal(sc!.headers.authorization, `Bearer ${REAL.openai}`);
    assert.equal(sg!.url, '/gw/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse', 'the key parameter is dropped');
    assert.equal(sg!.headers['x-goog-api-key'], REAL.gemini);
    for (const s of up.seen) assert.ok(!JSON.stringify(s).includes(token), `placeholder reached the upstream: ${JSON.stringify(s.headers)}`);
    for (const r of [a, o, c, g]) assert.ok(!JSON.stringify(r).includes('REAL'), 'real key in a response');
    assert.match(a.body, /message_delta/);

    assert.deepEqual(access.usage!(), [
      { model: 'claude-sonnet-4-5', inputTokens: 1000, outputTokens: 200, usd: (1000 * 3 + 200 * 15) / 1e6 },
      { model: 'gpt-5', inputTokens: 200, outputTokens: 50, cacheReadTokens: 100, usd: (200 * 1.25 + 50 * 10 + 100 * 0.125) / 1e6 },
      { model: 'gpt-4o', inputTokens: 7, outputTokens: 3, usd: (7 * 2.5 + 3 * 10) / 1e6 },
      { model: 'gemini-2.5-flash', inputTokens: 40, outputTokens: 2, usd: (40 * 0.3 + 2 * 2.5) / 1e6 },
    ]);
    await proxy.close();
    const log = usageLog();
    assert.deepEqual(log.map((r) => [r.stationId, r.attempt, r.provider, r.path, r.status, r.usage?.model]), [
      ['implement', 1, 'anthropic', '/v1/messages', 200, 'claude-sonnet-4-5'],
      ['implement', 1, 'openai', '/v1/responses', 200, 'gpt-5'],
      ['implement', 1, 'openai', '/v1/chat/completions', 200, 'gpt-4o'],
      ['implement', 1, 'gemini', '/v1beta/models/gemini-2.5-flash:streamGenerateContent', 200, 'gemini-2.5-flash'],
    ]);
    const text = readFileSync(join(runDir, RUN_LAYOUT.modelUsage), 'utf8');
    for (const k of Object.values(REAL)) assert.ok(!text.includes(k), 'a real key in the usage log');
    assert.ok(!text.includes(token), 'the token in the usage log');
  });

  it('passes a streaming response on event by event, before the upstream has finished', async () => {
    const { env } = await proxy.forStation('implement', 1, undefined);
    up.hold = true;
    let sawFirst!: () => void;
    const first = new Promise<void>((r) => (sawFirst = r));
    const done = post(`${env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': env.ANTHROPIC_API_KEY! }, { model: 'm', stream: true }, (c) => c.includes('message_start') && sawFirst());
    await Promise.race([first, new Promise((_, rej) => setTimeout(() => rej(new Error('first event not passed on while the upstream held the rest')), 3000))]);
    up.release();
    const r = await done;
    assert.match(r.body, /message_stop/);
    assert.equal(r.body, anthropicStream('claude-sonnet-4-5', 1000, 200).map(sseEvent).join(''), 'the stream arrives byte for byte');
  });

  it('meters a stream the client abandoned half-way: the input tokens were spent', async () => {
    const access = await proxy.forStation('implement', 1, undefined);
    up.hold = true;
    await new Promise<void>((resolve, reject) => {
      const req = request(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, { method: 'POST', headers: { 'x-api-key': access.env.ANTHROPIC_API_KEY! } }, (res) => {
        res.on('data', (c: Buffer) => c.toString().includes('message_start') && (req.destroy(), resolve()));
      });
      req.on('error', () => undefined);
      setTimeout(() => reject(new Error('no first event')), 3000);
      req.end('{"model":"claude-sonnet-4-5","stream":true}');
    });
    for (let i = 0; i < 50 && !access.usage!().length; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(access.usage!().map((u) => [u.model, u.inputTokens, u.outputTokens]), [['claude-sonnet-4-5', 1000, 1]]);
  });

  it('refuses a call over the station budget with 429 in the provider format, and aborts the budget signal with the figures', async () => {
    const access = await proxy.forStation('implement', 2, { tokens: 1500 });
    const key = { 'x-api-key': access.env.ANTHROPIC_API_KEY! };
    let aborted = 0;
    access.budgetSignal!.addEventListener('abort', () => aborted++);
    const first = await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, key, { model: 'claude-sonnet-4-5' });
    assert.equal(first.status, 200, 'the call under budget is forwarded');
    assert.equal(access.budgetSignal!.aborted, false, '1200 of 1500 tokens');
    const second = await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, key, { model: 'claude-sonnet-4-5' });
    assert.equal(second.status, 200, 'under budget when it started');
    assert.equal(access.budgetSignal!.aborted, true, 'its usage crossed the budget');
    assert.equal(access.budgetExceeded!(), 'station tokens 2400 of 1500');
    const third = await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, key, { model: 'claude-sonnet-4-5' });
    assert.equal(third.status, 429);
    assert.equal(third.headers['x-should-retry'], 'false');
    assert.deepEqual(JSON.parse(third.body), { type: 'error', error: { type: 'rate_limit_error', message: 'shopfloor model proxy: budget exceeded: station tokens 2400 of 1500' } });
    const o = await post(`${access.env.OPENAI_BASE_URL}/responses`, { authorization: `Bearer ${access.env.OPENAI_API_KEY}` }, { model: 'gpt-5' });
    assert.equal(o.status, 429);
    assert.equal(JSON.parse(o.body).error.code, 'budget_exceeded');
    assert.equal(up.seen.length, 2, 'refused calls never reach the upstream');
    assert.equal(aborted, 1);
    await proxy.close();
    const log = usageLog();
    assert.deepEqual(log.map((r) => [r.status, r.refused]), [[200, undefined], [200, undefined], [429, 'station tokens 2400 of 1500'], [429, 'station tokens 2400 of 1500']]);
  });

  it('counts a streamed call before passing on its last event: a next call sent on message_stop meets the budget', async () => {
    // A CLI acts on message_stop (runs the tool, sends the next turn) before the upstream
    // connection ends; the proxy used to account on the connection's end, so one call slipped past the budget.
    const access = await proxy.forStation('implement', 1, { tokens: 1000 });
    const key = { 'x-api-key': access.env.ANTHROPIC_API_KEY! };
    up.holdEnd = true;
    let next!: Promise<Got>;
    const sawStop = new Promise<void>((resolve) => {
      void post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, key, { model: 'claude-sonnet-4-5', stream: true }, (c) => {
        if (c.includes('message_stop')) {
          next = post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, key, { model: 'claude-sonnet-4-5', stream: true });
          resolve();
        }
      });
    });
    await Promise.race([sawStop, new Promise((_, rej) => setTimeout(() => rej(new Error('message_stop not passed on while the upstream held the connection')), 3000))]);
    // Forwarded (the old behaviour), the second call would hang on the held upstream.
    const second = await Promise.race([next, new Promise<Got>((_, rej) => setTimeout(() => rej(new Error('the second call was forwarded: the first one\'s tokens were not yet counted')), 3000))]).finally(() => up.release());
    assert.equal(second.status, 429, 'the second call was refused: the first one\'s 1200 tokens were counted when its last event passed');
    assert.equal(access.budgetExceeded!(), 'station tokens 1200 of 1000');
    assert.equal(up.seen.length, 1, 'the refused call never reached the upstream');
  });

  it('a run budget stops every station; a new station of the run is refused from the start', async () => {
    await proxy.close();
    proxy = await startModelProxy({ runId: 'r2', host: '127.0.0.1', upstreams: { anthropic: up.url, openai: up.url, gemini: up.url }, keys: REAL, runBudget: { usd: 0.005 } });
    const a = await proxy.forStation('implement', 1, undefined);
    const b = await proxy.forStation('review', 1, { tokens: 1e9 });
    const r = await post(`${a.env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': a.env.ANTHROPIC_API_KEY! }, { model: 'claude-sonnet-4-5' });
    assert.equal(r.status, 200);
    // $0.006 of $0.005 after the first call: both stations are stopped, also the one that made no call.
    assert.equal(a.budgetSignal!.aborted, true);
    assert.equal(a.budgetExceeded!(), 'run usd 0.0060 of 0.0050');
    assert.equal(b.budgetSignal!.aborted, true);
    assert.equal(b.budgetExceeded!(), 'run usd 0.0060 of 0.0050');
    const r2 = await post(`${b.env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': b.env.ANTHROPIC_API_KEY! }, { model: 'claude-sonnet-4-5' });
    assert.equal(r2.status, 429);
    assert.equal(up.seen.length, 1);
    const c = await proxy.forStation('verify', 1, undefined);
    assert.equal(c.budgetSignal!.aborted, true);
  });

  it('stops a station at its wall time', async () => {
    const access = await proxy.forStation('implement', 1, { wallMs: 150 });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(access.budgetSignal!.aborted, true);
    assert.match(access.budgetExceeded!() ?? '', /^station wall time \d+ ms of 150 ms$/);
    const r = await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': access.env.ANTHROPIC_API_KEY! }, { model: 'm' });
    assert.equal(r.status, 429);
  });

  it('refuses a released token, an unknown token, no token, and any path that is not a model API', async () => {
    const access = await proxy.forStation('implement', 1, undefined);
    const token = access.env.ANTHROPIC_API_KEY!;
    assert.equal((await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': token }, { model: 'm' })).status, 200);
    await access.release();
    const released = await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': token }, { model: 'm' });
    assert.equal(released.status, 401);
    assert.match(JSON.parse(released.body).error.message, /released/);
    assert.equal((await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': 'sf-proxy-guess' }, { model: 'm' })).status, 401);
    assert.equal((await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, { 'x-api-key': REAL.anthropic }, { model: 'm' })).status, 401, 'even the real key is not a token');
    assert.equal((await post(`${access.env.ANTHROPIC_BASE_URL}/v1/messages`, {}, { model: 'm' })).status, 401);
    const other = await proxy.forStation('implement', 2, undefined);
    for (const p of ['/anthropic/v1/files', '/openai/v1/files', '/openai/v1/models', '/', '/gemini/v1beta/cachedContents']) {
      assert.equal((await post(`${proxy.url}${p}`, { 'x-api-key': other.env.ANTHROPIC_API_KEY!, authorization: `Bearer ${other.env.OPENAI_API_KEY}` }, {})).status, 404, p);
    }
    assert.equal(up.seen.length, 1, 'only the first call reached the upstream');
  });
});
