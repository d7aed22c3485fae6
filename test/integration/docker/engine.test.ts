import { strict as assert } from 'node:assert';
import { connectToEngine } from '../../../src/adapters/docker';
import { EngineUnavailableError } from '../../../src/core/container';

describe('docker: finding the engine', () => {
  it('an engine that is down gives a clear error saying what was tried and how to start Docker', async () => {
    const err = await connectToEngine({
      setting: 'unix:///tmp/shopfloor-no-such-engine.sock',
      timeoutMs: 1000,
      discovery: { env: { DOCKER_HOST: 'tcp://127.0.0.1:1' }, home: '/nonexistent', platform: 'linux', exists: () => false, readText: () => undefined, defaultSockets: ['/tmp/shopfloor-no-default.sock'] },
    }).then(
      () => assert.fail('expected no engine'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof EngineUnavailableError);
    assert.equal(err.reason, 'engine-unavailable');
    assert.deepEqual(err.attempts.map((a) => a.source), ['setting shopfloor.docker.host', 'DOCKER_HOST', 'default socket']);
    assert.match(err.message, /shopfloor-no-such-engine\.sock \(socket not found\)/);
    assert.match(err.message, /tcp:\/\/127\.0\.0\.1:1 \(connection refused\)/);
    assert.match(err.message, /Start Docker/);
  });
});
