import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { endpointCandidates, type DiscoveryEnv } from '../../../../src/adapters/docker';

function fakeEnv(env: Record<string, string>, files: Record<string, string> = {}, sockets: string[] = []): DiscoveryEnv {
  return { env, home: '/home/u', platform: 'linux', exists: (p) => sockets.includes(p), readText: (p) => files[p] };
}
const meta = (name: string) => `/home/u/.docker/contexts/meta/${createHash('sha256').update(name).digest('hex')}/meta.json`;

describe('adapters/docker engine discovery', () => {
  it('tries the setting, DOCKER_HOST, the context, then the default sockets, in that order', () => {
    const c = endpointCandidates(
      'tcp://10.0.0.9:2375',
      fakeEnv({ DOCKER_HOST: 'unix:///run/custom.sock', DOCKER_CONTEXT: 'remote' }, { [meta('remote')]: JSON.stringify({ Endpoints: { docker: { Host: 'ssh://me@box' } } }) }, ['/var/run/docker.sock', '/home/u/.docker/run/docker.sock']),
    );
    assert.deepEqual(
      c.map((x) => [x.source, x.endpoint]),
      [
        ['setting shopfloor.docker.host', 'tcp://10.0.0.9:2375'],
        ['DOCKER_HOST', 'unix:///run/custom.sock'],
        ['context "remote"', 'ssh://me@box'],
        ['default socket', 'unix:///var/run/docker.sock'],
        ['default socket', 'unix:///home/u/.docker/run/docker.sock'],
      ],
    );
    assert.equal(c[0]!.remote, true);
    assert.equal(c[1]!.remote, false);
    assert.deepEqual({ protocol: c[2]!.options.protocol, host: c[2]!.options.host, username: c[2]!.options.username }, { protocol: 'ssh', host: 'box', username: 'me' });
  });

  it('reads currentContext from config.json and the context TLS material', () => {
    const id = createHash('sha256').update('prod').digest('hex');
    const files = {
      '/home/u/.docker/config.json': JSON.stringify({ currentContext: 'prod' }),
      [meta('prod')]: JSON.stringify({ Endpoints: { docker: { Host: 'tcp://prod:2376', SkipTLSVerify: false } } }),
      [`/home/u/.docker/contexts/tls/${id}/docker/ca.pem`]: 'CA',
      [`/home/u/.docker/contexts/tls/${id}/docker/cert.pem`]: 'CERT',
      [`/home/u/.docker/contexts/tls/${id}/docker/key.pem`]: 'KEY',
    };
    const [ctx] = endpointCandidates(undefined, fakeEnv({}, files));
    assert.equal(ctx!.source, 'context "prod"');
    assert.equal(ctx!.options.protocol, 'https');
    assert.deepEqual([ctx!.options.ca, ctx!.options.cert, ctx!.options.key], ['CA', 'CERT', 'KEY']);
  });

  it('DOCKER_HOST tcp with DOCKER_TLS_VERIFY uses https and DOCKER_CERT_PATH', () => {
    const [c] = endpointCandidates(undefined, fakeEnv({ DOCKER_HOST: 'tcp://127.0.0.1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' }, { '/certs/ca.pem': 'A', '/certs/cert.pem': 'B', '/certs/key.pem': 'C' }));
    assert.equal(c!.options.protocol, 'https');
    assert.equal(c!.options.port, '2376');
    assert.equal(c!.options.cert, 'B');
    assert.equal(c!.remote, false);
  });

  it('an unreadable context and a bad address become attempts that fail, not crashes', () => {
    const c = endpointCandidates('::nonsense::', fakeEnv({ DOCKER_CONTEXT: 'gone' }));
    assert.match(c[0]!.endpoint, /not a valid engine address|unsupported scheme/);
    assert.match(c[1]!.endpoint, /context "gone" has no readable docker endpoint/);
    assert.equal(c[2]!.endpoint, 'unix:///var/run/docker.sock', 'the standard socket is still tried');
  });

  it('every modem default is overridden, so the process DOCKER_HOST cannot leak into a socket candidate', () => {
    const [c] = endpointCandidates(undefined, fakeEnv({}, {}, ['/var/run/docker.sock']));
    assert.ok('host' in c!.options && c!.options.host === undefined);
    assert.equal(c!.options.socketPath, '/var/run/docker.sock');
  });
});
