import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { readDevcontainer } from '../../../src/adapters/docker';
import { DEFAULT_LIMITS, defaultEnvironment, type BuildOutput } from '../../../src/core/container';
import { IMAGE, collect, dockerInspect, requireEngine, testRuntime, workspace } from './support';

describe('docker: station containers', () => {
  const { rt, owner, cleanup } = testRuntime('station');
  before(() => requireEngine(rt));
  after(cleanup);

  it('builds an image from devcontainer.json (streamed output), runs lifecycle once, and reuses image and container', async () => {
    const ws = workspace('poc');
    const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
    const build: BuildOutput[] = [];
    const log: string[] = [];
    const s = await rt.prepare(spec, { runId: 'build-1', sessionId: 'sess', workspaceDir: ws, onBuildOutput: (l) => build.push(l), onLog: (l) => log.push(l) });
    assert.ok(log.some((l) => /initializeCommand is never run/.test(l)), log.join('\n'));
    assert.equal(existsSync('/tmp/shopfloor-initialize-ran'), false);
    const greet = collect();
    const r = await s.exec(['sh', '-c', 'cat /etc/shopfloor-greeting; echo $STATION; echo $PATH; cat /tmp/lifecycle.log /tmp/lifecycle-a.log /tmp/lifecycle-b.log; id -un'], { onStdout: greet.sink });
    assert.equal(r.exitCode, 0);
    const lines = greet.text().trim().split('\n');
    assert.equal(lines[0], 'built-by-shopfloor');
    assert.equal(lines[1], 'poc');
    assert.match(lines[2]!, /:\/opt\/extra$/);
    assert.deepEqual(lines.slice(3), ['onCreate', 'postStart', 'postCreate-a', 'postCreate-b', 'node']);

    const again = await rt.prepare(spec, { runId: 'build-1', sessionId: 'sess', workspaceDir: ws });
    assert.equal(again.id, s.id);
    assert.equal(again.reused, true);
    const other = await rt.prepare(spec, { runId: 'build-2', sessionId: 'sess', workspaceDir: ws, onBuildOutput: (l) => build.push(l) });
    assert.notEqual(other.id, s.id, 'one container per run');
    assert.equal(other.imageDigest, s.imageDigest, 'the built image is reused by hash');
    await other.remove();
    await s.remove();
  });

  it('docker inspect shows the hardening profile', async () => {
    const ws = workspace();
    const s = await rt.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo' }), { runId: 'inspect-1', sessionId: 'sess', workspaceDir: ws });
    const i = dockerInspect(s.id);
    assert.deepEqual(i.HostConfig.CapDrop, ['ALL']);
    assert.ok(!i.HostConfig.CapAdd?.length, 'no capability added back');
    assert.deepEqual(i.HostConfig.SecurityOpt, ['no-new-privileges:true']);
    assert.equal(i.HostConfig.Privileged, false);
    assert.equal(i.HostConfig.NetworkMode, 'none');
    assert.equal(i.HostConfig.PidsLimit, DEFAULT_LIMITS.pids);
    assert.equal(i.HostConfig.Memory, DEFAULT_LIMITS.memoryBytes);
    assert.equal(i.HostConfig.MemorySwap, DEFAULT_LIMITS.memoryBytes);
    assert.equal(i.HostConfig.NanoCpus, DEFAULT_LIMITS.cpus * 1e9);
    assert.equal(i.Config.User, 'node', 'the image has a non-root user, so the station uses it');
    assert.deepEqual(
      i.Mounts.filter((m: { Type: string }) => m.Type === 'bind').map((m: { Source: string; Destination: string }) => [m.Source, m.Destination]),
      [[execFileSync('realpath', [ws], { encoding: 'utf8' }).trim(), '/workspaces/repo']],
    );
    assert.ok(!JSON.stringify(i).includes('docker.sock'));
    assert.equal(i.Config.Labels['shopfloor.run'], 'inspect-1');
    assert.equal(i.Config.Labels['shopfloor.session'], 'sess');
    assert.equal(i.Config.Labels['shopfloor.owner'], owner);
    const caps = collect();
    await s.exec(['sh', '-c', 'grep -E "^(CapEff|NoNewPrivs)" /proc/self/status'], { onStdout: caps.sink });
    assert.match(caps.text(), /CapEff:\s+0000000000000000/);
    assert.match(caps.text(), /NoNewPrivs:\s+1/);
    await s.remove();
  });

  describe('mount escapes are refused before create', () => {
    const attempts: [string, string][] = [
      ['the Docker socket', 'source=/var/run/docker.sock,target=/var/run/docker.sock,type=bind'],
      ['the home directory', 'source=~,target=/h,type=bind'],
      ['a parent folder', 'source=${localWorkspaceFolder}/..,target=/up,type=bind'],
      ['a symlink out of the workspace', 'source=${localWorkspaceFolder}/escape,target=/esc,type=bind'],
    ];
    for (const [what, mount] of attempts) {
      it(what, async () => {
        const ws = workspace();
        execFileSync('ln', ['-s', '/etc', join(ws, 'escape')]);
        execFileSync('mkdir', ['-p', join(ws, '.devcontainer')]);
        writeFileSync(join(ws, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: IMAGE, mounts: [mount] }));
        const runId = `escape-${what.replace(/\W+/g, '-')}`;
        const err = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE })
          .then((spec) => rt.prepare(spec, { runId, sessionId: 'sess', workspaceDir: ws }))
          .then(
            () => assert.fail('mount was accepted'),
            (e: Error) => e,
          );
        assert.match(err.name, /ConfigRefusedError|MountRefusedError/);
        assert.match(err.message, /Docker socket|home-directory|outside the run workspace/);
        const created = await new Docker().listContainers({ all: true, filters: { label: [`shopfloor.run=${runId}`] } });
        assert.equal(created.length, 0, 'nothing was created');
      });
    }
  });

  it('copies the workspace in and out through the archive API when bind mounts are not possible (remote engine)', async () => {
    const { rt: remote, cleanup: done } = testRuntime('copy');
    try {
      (remote as unknown as { opts: { workspaceTransfer: string } }).opts.workspaceTransfer = 'copy';
      const ws = workspace();
      writeFileSync(join(ws, 'in.txt'), 'from host\n');
      writeFileSync(join(ws, 'gone.txt'), 'delete me\n');
      const s = await remote.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo' }), { runId: 'copy-1', sessionId: 'sess', workspaceDir: ws });
      assert.equal(dockerInspect(s.id).Mounts.filter((m: { Type: string }) => m.Type === 'bind').length, 0);
      const r = await s.exec(['sh', '-c', 'cat in.txt && echo made > out.txt && rm gone.txt && ln -s /etc/passwd link']);
      assert.equal(r.exitCode, 0);
      await s.syncOut();
      assert.equal(readFileSync(join(ws, 'out.txt'), 'utf8'), 'made\n');
      assert.equal(existsSync(join(ws, 'gone.txt')), false);
      assert.equal(readFileSync(join(ws, 'in.txt'), 'utf8'), 'from host\n');
      await s.remove();
    } finally {
      await done();
    }
  });
});
