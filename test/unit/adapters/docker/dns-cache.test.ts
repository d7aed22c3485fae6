import { strict as assert } from 'node:assert';
import { cachedResolver } from '../../../../src/adapters/docker/dns-cache';

/** A resolver that counts its calls and answers when told to. */
function countingResolver(answer: (host: string) => string[] | Error) {
  const calls: string[] = [];
  const pending: (() => void)[] = [];
  const resolve = (host: string) => {
    calls.push(host);
    return new Promise<string[]>((ok, fail) => pending.push(() => {
      const a = answer(host);
      if (a instanceof Error) fail(a);
      else ok(a);
    }));
  };
  return { calls, resolve, release: () => pending.splice(0).forEach((f) => f()) };
}

describe('cachedResolver: the egress proxy asks the resolver once per name', () => {
  it('shares one lookup among concurrent requests for a name (any case)', async () => {
    const r = countingResolver(() => ['203.0.113.80']);
    const resolve = cachedResolver(r.resolve);
    const all = Promise.all(['registry.npmjs.org', 'REGISTRY.npmjs.org', ...Array(48).fill('registry.npmjs.org')].map(resolve));
    r.release();
    const answers = await all;
    assert.equal(r.calls.length, 1);
    assert.equal(answers.length, 50);
    for (const a of answers) assert.deepEqual(a, ['203.0.113.80']);
  });

  it('keeps an answer for its time to live, then asks again', async () => {
    let t = 0;
    const r = countingResolver(() => ['203.0.113.80']);
    const resolve = cachedResolver(r.resolve, { ttlMs: 1000, now: () => t });
    const first = resolve('example.org');
    r.release();
    await first;
    t = 999;
    assert.deepEqual(await resolve('example.org'), ['203.0.113.80']);
    assert.equal(r.calls.length, 1);
    t = 1000;
    const later = resolve('example.org');
    r.release();
    await later;
    assert.equal(r.calls.length, 2);
  });

  it('does not cache a failure: the next request asks again', async () => {
    let fail = true;
    const r = countingResolver(() => (fail ? new Error('EAI_AGAIN') : ['198.51.100.7']));
    const resolve = cachedResolver(r.resolve);
    const first = resolve('example.org');
    r.release();
    await assert.rejects(first, /EAI_AGAIN/);
    fail = false;
    const second = resolve('example.org');
    r.release();
    assert.deepEqual(await second, ['198.51.100.7']);
    assert.equal(r.calls.length, 2);
  });

  it('hands out copies: a caller changing its list does not change the cache', async () => {
    const r = countingResolver(() => ['203.0.113.80']);
    const resolve = cachedResolver(r.resolve);
    const first = resolve('example.org');
    r.release();
    (await first).push('127.0.0.1');
    assert.deepEqual(await resolve('example.org'), ['203.0.113.80']);
  });
});
