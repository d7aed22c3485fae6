import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { readDevcontainer } from '../../../src/adapters/docker';
import { defaultEnvironment } from '../../../src/core/container';
import { IMAGE, collect, dockerInspect, requireEngine, testRuntime, workspace } from './support';

/**
 * The station's own hardening on a real engine: a read-only root filesystem with only the
 * workspace, /tmp and HOME writable, never root even when devcontainer.json asks for it,
 * and a workspaceFolder over the image's own folders refused with the field named.
 */
describe('docker: station hardening (read-only root, non-root user, workspace folder)', function () {
  this.timeout(180_000);
  const { rt, cleanup } = testRuntime('harden');
  before(() => requireEngine(rt));
  after(cleanup);

  const withConfig = (config: Record<string, unknown>): string => {
    const ws = workspace();
    mkdirSync(join(ws, '.devcontainer'));
    writeFileSync(join(ws, '.devcontainer', 'devcontainer.json'), JSON.stringify(config));
    return ws;
  };

  it('cannot write /usr/local/bin or /etc; can write the workspace, /tmp and HOME (npm config works)', async () => {
    const ws = workspace();
    const s = await rt.prepare(defaultEnvironment({ image: IMAGE, workspaceBasename: 'repo' }), { runId: 'ro-1', sessionId: 'sess', workspaceDir: ws });
    assert.equal(dockerInspect(s.id).HostConfig.ReadonlyRootfs, true);
    const out = collect();
    const r = await s.exec(
      ['sh', '-c', 'for p in /usr/local/bin/planted /etc/planted /planted; do if touch "$p" 2>/dev/null; then echo "wrote $p"; else echo "refused $p"; fi; done; echo ws > ws.txt && echo tmp > /tmp/t && echo home > "$HOME/h" && npm config set fund false && echo "ok $HOME $(id -u)"'],
      { onStdout: out.sink, onStderr: out.sink },
    );
    assert.equal(r.exitCode, 0, out.text());
    const lines = out.text().trim().split('\n');
    assert.deepEqual(lines.slice(0, 3), ['refused /usr/local/bin/planted', 'refused /etc/planted', 'refused /planted']);
    assert.equal(lines.at(-1), 'ok /home/node 1000');
    await s.remove();
  });

  it('runs as the image non-root user when devcontainer.json asks for root, and says so', async () => {
    const ws = withConfig({ image: IMAGE, containerUser: 'root', remoteUser: 'root', runArgs: ['--user', '0:0'] });
    const log: string[] = [];
    const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
    const s = await rt.prepare(spec, { runId: 'root-1', sessionId: 'sess', workspaceDir: ws, onLog: (l) => log.push(l) });
    const out = collect();
    await s.exec(['id', '-u'], { onStdout: out.sink });
    assert.notEqual(out.text().trim(), '0');
    assert.equal(out.text().trim(), '1000');
    assert.equal(dockerInspect(s.id).Config.User, 'node');
    assert.ok(log.some((l) => /remoteUser "root" is not honoured: stations never run as root; running as node/.test(l)), log.join('\n'));
    await s.remove();
  });

  it('refuses an image with no non-root user instead of running as root', async () => {
    const err = await rt.prepare(defaultEnvironment({ image: 'shopfloor/debian:bookworm', workspaceBasename: 'repo' }), { runId: 'root-2', sessionId: 'sess', workspaceDir: workspace() }).then(
      () => assert.fail('ran as root'),
      (e: Error) => e,
    );
    assert.equal(err.name, 'ConfigRefusedError');
    assert.match(err.message, /image: stations never run as root, and shopfloor\/debian:bookworm has no non-root user/);
    assert.equal((await new Docker().listContainers({ all: true, filters: { label: ['shopfloor.run=root-2'] } })).length, 0, 'nothing was created');
  });

  it('refuses a workspaceFolder of /etc, naming the field', async () => {
    const ws = withConfig({ image: IMAGE, workspaceFolder: '/etc' });
    const err = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE })
      .then((spec) => rt.prepare(spec, { runId: 'wsf-1', sessionId: 'sess', workspaceDir: ws }))
      .then(
        () => assert.fail('workspaceFolder /etc was accepted'),
        (e: Error) => e,
      );
    assert.equal(err.name, 'ConfigRefusedError');
    assert.match(err.message, /devcontainer\.json cannot be used:\n {2}- workspaceFolder: \/etc is outside \/workspaces\//);
  });
});
