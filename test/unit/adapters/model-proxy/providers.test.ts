import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { modelProxyConfigFromEnv } from '../../../../src/adapters/model-proxy/config';
import { DEFAULT_PRICES } from '../../../../src/core/agent/pricing';
import { clientToken, errorResponse, routeOf, upstreamHeaders, withoutKeyParam } from '../../../../src/adapters/model-proxy/providers';
import { keysFromEnv, upstreamsFrom, DEFAULT_UPSTREAMS } from '../../../../src/adapters/model-proxy/keys';

describe('adapters/model-proxy: routes, credentials and error bodies', () => {
  it('forwards only the model APIs, by provider prefix or bare OpenAI/Anthropic path', () => {
    assert.deepEqual(routeOf('POST', '/anthropic/v1/messages?beta=true'), { provider: 'anthropic', upstreamPath: '/v1/messages?beta=true' });
    assert.deepEqual(routeOf('POST', '/anthropic/v1/messages/count_tokens'), { provider: 'anthropic', upstreamPath: '/v1/messages/count_tokens' });
    assert.deepEqual(routeOf('POST', '/openai/v1/responses'), { provider: 'openai', upstreamPath: '/v1/responses' });
    assert.deepEqual(routeOf('POST', '/v1/chat/completions'), { provider: 'openai', upstreamPath: '/v1/chat/completions' });
    assert.deepEqual(routeOf('POST', '/v1/messages'), { provider: 'anthropic', upstreamPath: '/v1/messages' });
    assert.deepEqual(routeOf('POST', '/gemini/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse'), { provider: 'gemini', upstreamPath: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse' });
    for (const [m, p] of [
      ['GET', '/anthropic/v1/messages'],
      ['POST', '/anthropic/v1/files'],
      ['POST', '/openai/v1/files'],
      ['POST', '/openai/v1/organization/admin_api_keys'],
      ['POST', '/gemini/v1beta/models/../../x:generateContent'],
      ['POST', '/gemini/v1beta/models/m/extra:generateContent'],
      ['POST', '/anything'],
      ['GET', '/openai/v1/models'],
    ]) assert.equal(routeOf(m, p!), undefined, `${m} ${p}`);
  });

  it('reads the placeholder from any credential header or the key parameter; strips every client credential and sets the real one', () => {
    assert.equal(clientToken({ 'x-api-key': 'a' }, '/'), 'a');
    assert.equal(clientToken({ authorization: 'Bearer b' }, '/'), 'b');
    assert.equal(clientToken({ 'x-goog-api-key': 'c' }, '/'), 'c');
    assert.equal(clientToken({}, '/gemini/v1beta/models/m:generateContent?key=d%2Fe'), 'd/e');
    const h = { 'x-api-key': 'tok', authorization: 'Bearer tok', 'x-goog-api-key': 'tok', 'api-key': 'tok', 'anthropic-version': '2023-06-01', host: 'proxy', 'accept-encoding': 'gzip', connection: 'keep-alive' };
    assert.deepEqual(upstreamHeaders('anthropic', h, 'REAL', 'api.anthropic.com', 12), { 'anthropic-version': '2023-06-01', host: 'api.anthropic.com', 'accept-encoding': 'identity', 'content-length': 12, 'x-api-key': 'REAL' });
    assert.equal(upstreamHeaders('openai', h, 'REAL', 'h', 0).authorization, 'Bearer REAL');
    assert.equal(upstreamHeaders('openai', h, 'REAL', 'h', 0)['x-api-key'], undefined);
    assert.equal(upstreamHeaders('gemini', h, 'REAL', 'h', 0)['x-goog-api-key'], 'REAL');
    assert.equal(withoutKeyParam('/v1beta/models/m:streamGenerateContent?alt=sse&key=tok'), '/v1beta/models/m:streamGenerateContent?alt=sse');
    assert.equal(withoutKeyParam('/v1beta/models/m:generateContent?key=tok'), '/v1beta/models/m:generateContent');
  });

  it("answers in each provider's error format, budget refusals as 429 the SDKs do not retry", () => {
    const a = errorResponse('anthropic', 'budget', 'budget exceeded: station tokens 5 of 4');
    assert.equal(a.status, 429);
    assert.equal(a.headers['x-should-retry'], 'false');
    assert.deepEqual(JSON.parse(a.body), { type: 'error', error: { type: 'rate_limit_error', message: 'shopfloor model proxy: budget exceeded: station tokens 5 of 4' } });
    assert.equal(JSON.parse(errorResponse('openai', 'budget', 'x').body).error.code, 'budget_exceeded');
    assert.equal(JSON.parse(errorResponse('gemini', 'budget', 'x').body).error.status, 'RESOURCE_EXHAUSTED');
    assert.equal(errorResponse('gemini', 'auth', 'x').status, 401);
  });

  it('keys from the environment (or the variable an override names); base URLs from options, environment, defaults', () => {
    assert.deepEqual(keysFromEnv({ ANTHROPIC_API_KEY: 'a', OPENAI_API_KEY: '', SHOPFLOOR_OPENAI_KEY_ENV: 'TEAM', TEAM: 't', GEMINI_API_KEY: 'g' }), { anthropic: 'a', openai: 't', gemini: 'g' });
    assert.deepEqual(keysFromEnv({}), {});
    const u = upstreamsFrom({ SHOPFLOOR_OPENAI_BASE_URL: 'http://gw.local:8080/openai' }, { anthropic: 'https://gw.example/anthropic' });
    assert.deepEqual(u, { anthropic: 'https://gw.example/anthropic', openai: 'http://gw.local:8080/openai', gemini: DEFAULT_UPSTREAMS.gemini });
    assert.throws(() => upstreamsFrom({ SHOPFLOOR_GEMINI_BASE_URL: 'file:///etc/passwd' }), /must be http or https/);
  });
});

describe('adapters/model-proxy: the CLI configuration from the environment', () => {
  it('reads a price table file when one is named, the default otherwise, and names a bad file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sf-prices-'));
    const good = join(dir, 'prices.json');
    writeFileSync(good, JSON.stringify({ source: 'our gateway contract', asOf: '2026-12-01', models: { 'team-model': { inputPerMTok: 1, outputPerMTok: 2 } } }));
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ source: 'x', asOf: 'yesterday', models: {} }));
    assert.equal(modelProxyConfigFromEnv({ SHOPFLOOR_MODEL_PRICES: good, ANTHROPIC_API_KEY: 'k' }).prices.source, 'our gateway contract');
    assert.equal(modelProxyConfigFromEnv({}).prices, DEFAULT_PRICES);
    assert.throws(() => modelProxyConfigFromEnv({}, { pricesFile: bad }), /bad\.json: asOf/);
  });
});
