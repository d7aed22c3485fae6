import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { LOOPBACK_RELAY_JS, needsLoopbackRelay, relayShell } from '../../../src/adapters/agents/loopback-relay';

/** Runs argv to its end without blocking this process's event loop (the test's HTTP server answers in it). */
function run(argv: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(argv[0]!, argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => p.kill('SIGKILL'), 20_000);
    p.on('error', reject);
    // 'close', not 'exit': it waits for stdout to close, which a relay holding the pipe would delay.
    p.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** The relay script itself, run by a real /bin/sh and node, to a real HTTP server on a non-loopback address of this machine. */
describe('agents: the loopback relay in a real shell', function () {
  this.timeout(30_000);
  const address = Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

  it('starts on 127.0.0.1, points the variable at itself with the path, passes bytes both ways and exits with its parent', async function () {
    if (!address) this.skip();
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers['x-goog-api-key']}`);
      res.end('pong');
    });
    await new Promise<void>((r) => server.listen(0, '0.0.0.0', () => r()));
    try {
      const relay = needsLoopbackRelay(`http://${address}:${(server.address() as AddressInfo).port}/gemini`)!;
      const client = "fetch(process.env.BASE + '/v1beta/x', { headers: { 'x-goog-api-key': 'sf-token' } }).then((r) => r.text()).then((t) => console.log(process.env.BASE, t))";
      const r = await run(['sh', '-c', `${relayShell('BASE')}\nexec node -e "$CLIENT"`], {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        SHOPFLOOR_RELAY_TARGET: relay.target,
        SHOPFLOOR_RELAY_PATH: relay.path,
        SHOPFLOOR_RELAY_JS: LOOPBACK_RELAY_JS,
        CLIENT: client,
      });
      assert.equal(r.status, 0, r.stderr + r.stdout);
      assert.match(r.stdout, /^http:\/\/127\.0\.0\.1:\d+\/gemini pong$/m);
      assert.deepEqual(seen, ['GET /gemini/v1beta/x sf-token']);
      const port = /127\.0\.0\.1:(\d+)/.exec(r.stdout)![1];
      // The relay notices its parent (the client, after exec) is gone and stops listening.
      await new Promise((res) => setTimeout(res, 1500));
      const after = spawnSync('node', ['-e', `require('net').connect(${port},'127.0.0.1').on('connect',()=>process.exit(3)).on('error',()=>process.exit(0))`], { timeout: 5000 });
      assert.equal(after.status, 0, 'the relay still listens after its parent exited');
    } finally {
      server.close();
    }
  });

  it('says so and exits 1 when the relay cannot start', async function () {
    const r = await run(['sh', '-c', `${relayShell('BASE')}\necho reached`], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      SHOPFLOOR_RELAY_TARGET: '10.0.0.1:80',
      SHOPFLOOR_RELAY_JS: 'process.exit(1)',
    });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /loopback relay to 10\.0\.0\.1:80 did not start/);
    assert.doesNotMatch(r.stdout, /reached/);
  });
});
