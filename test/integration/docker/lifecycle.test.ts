import { strict as assert } from 'node:assert';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { DockerContainerRuntime, readDevcontainer, type EgressLogEntry } from '../../../src/adapters/docker';
import { defaultEnvironment } from '../../../src/core/container';
import { BROWNFIELD } from '../../support/brownfield';
import { IMAGE, collect, requireEngine, testRuntime, workspace } from './support';

const cases = JSON.parse(readFileSync(join(BROWNFIELD, 'cases.json'), 'utf8')) as {
  cases: { id: string; package: string; vulnerable: string; fixed: string; poc: string[] }[];
};

describe('docker: brownfield proof-of-concept, orphans and egress', () => {
  const { rt, owner, cleanup } = testRuntime('life');
  before(() => requireEngine(rt));
  after(cleanup);

  for (const c of cases.cases) {
    it(`${c.id}: the proof-of-concept fails on ${c.vulnerable} and passes on ${c.fixed}, in a station built from devcontainer.json`, async () => {
      for (const [version, expected] of [
        [c.vulnerable, 1],
        [c.fixed, 0],
      ] as const) {
        const ws = workspace();
        execFileSync('bash', [join(BROWNFIELD, 'materialize.sh'), c.package, version, ws], { stdio: 'ignore' });
        mkdirSync(join(ws, '.devcontainer'));
        writeFileSync(join(ws, '.devcontainer', 'devcontainer.json'), '{ "build": { "dockerfile": "Dockerfile" }, "remoteUser": "node", }');
        writeFileSync(join(ws, '.devcontainer', 'Dockerfile'), `FROM ${IMAGE}\n`);
        const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
        const s = await rt.prepare(spec, { runId: `poc-${c.package}-${version}`, sessionId: 'sess', workspaceDir: ws });
        const err = collect();
        const r = await s.exec(c.poc, { timeoutMs: 60_000, onStderr: err.sink });
        assert.equal(r.exitCode, expected, `${c.package}@${version}: ${err.text()}`);
        await s.remove();
      }
    });
  }

  it('removes a container left by a killed run on the next start, and leaves live sessions alone', async () => {
    const ws = workspace();
    const live = await rt.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo' }), { runId: 'live-run', sessionId: 'live-session', workspaceDir: ws });
    const journalled = await rt.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo' }), { runId: 'journalled-run', sessionId: 'dead-session', workspaceDir: ws });
    // A separate process prepares a station, then is killed with SIGKILL before it can clean up.
    const script = `
      const { DockerContainerRuntime } = require(${JSON.stringify(resolve(__dirname, '../../../src/adapters/docker'))});
      const { defaultEnvironment } = require(${JSON.stringify(resolve(__dirname, '../../../src/core/container'))});
      new DockerContainerRuntime({ owner: ${JSON.stringify(owner)} })
        .prepare(defaultEnvironment({ image: ${JSON.stringify(IMAGE)}, workspaceBasename: 'repo' }), { runId: 'killed-run', sessionId: 'dead-session', workspaceDir: ${JSON.stringify(ws)} })
        .then((s) => { console.log(s.id); setInterval(() => {}, 1000); });`;
    const child = spawn(process.execPath, ['-r', 'tsx/cjs', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const orphanId = await new Promise<string>((res) => child.stdout.once('data', (b: Buffer) => res(b.toString().trim())));
    child.kill('SIGKILL');

    const next = new DockerContainerRuntime({ owner });
    const removed = await next.cleanupOrphans(
      (session) => session === 'live-session',
      (run) => run === 'journalled-run',
    );
    await next.dispose();
    assert.deepEqual(removed, [orphanId]);
    const d = new Docker();
    await assert.rejects(d.getContainer(orphanId).inspect(), /no such container/i);
    assert.equal((await d.getContainer(live.id).inspect()).State.Running, true);
    assert.ok(await d.getContainer(journalled.id).inspect());
    await live.remove();
    await journalled.remove();
  });

  it('egress goes only through the allowlisting proxy: allowed host works, others are refused and logged, direct connections fail', async () => {
    const log: EgressLogEntry[] = [];
    const { rt: net, cleanup: done } = testRuntime('egress');
    (net as unknown as { opts: { onEgress: (e: EgressLogEntry) => void } }).opts.onEgress = (e) => log.push(e);
    try {
      const ws = workspace();
      // Machines whose outbound TLS is intercepted trust an extra CA on the host only: hand it to the station.
      if (existsSync('/etc/ssl/certs/ca-certificates.crt')) copyFileSync('/etc/ssl/certs/ca-certificates.crt', join(ws, 'host-ca.crt'));
      const s = await net.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo', network: { egressAllow: ['registry.npmjs.org'] } }), {
        runId: 'egress-1',
        sessionId: 'sess',
        workspaceDir: ws,
      });
      const ca = existsSync(join(ws, 'host-ca.crt')) ? { NODE_EXTRA_CA_CERTS: '/workspaces/repo/host-ca.crt' } : undefined;
      const ok = collect();
      const allowed = await s.exec(['npm', 'view', 'minimist@1.2.6', 'version', '--registry', 'https://registry.npmjs.org/'], { env: ca, timeoutMs: 90_000, onStdout: ok.sink });
      assert.equal(allowed.exitCode, 0);
      assert.equal(ok.text().trim(), '1.2.6');
      const refused = await s.exec(['npm', 'view', 'minimist', 'version', '--registry', 'https://registry.yarnpkg.com/', '--fetch-retries=0'], { env: ca, timeoutMs: 90_000 });
      assert.notEqual(refused.exitCode, 0);
      const direct = await s.exec(
        ['node', '-e', "const s=require('net').connect({host:'104.16.0.35',port:443,timeout:3000});s.on('connect',()=>process.exit(0));s.on('timeout',()=>process.exit(3));s.on('error',()=>process.exit(4))"],
        { env: { HTTPS_PROXY: '', https_proxy: '' }, timeoutMs: 30_000 },
      );
      assert.notEqual(direct.exitCode, 0, 'a direct connection must not get out');
      const dns = await s.exec(['node', '-e', "require('dns').lookup('registry.npmjs.org',(e)=>process.exit(e?5:0))"], { timeoutMs: 30_000 });
      assert.equal(dns.exitCode, 5, 'no external DNS on the egress network');
      assert.ok(log.some((e) => e.allowed && e.host === 'registry.npmjs.org' && e.runId === 'egress-1'));
      assert.ok(log.some((e) => !e.allowed && e.host === 'registry.yarnpkg.com' && e.reason === 'host not on the blueprint allowlist'));
      await s.remove();
    } finally {
      await done();
    }
  });
});
