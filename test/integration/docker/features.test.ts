import { strict as assert } from 'node:assert';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Docker from 'dockerode';
import { readDevcontainer } from '../../../src/adapters/docker';
import { ConfigRefusedError } from '../../../src/core/container';
import { IMAGE, collect, requireEngine, testRuntime, workspace } from './support';

/** A repository whose devcontainer.json uses a local feature (`./greeter`), offline. */
function repoWithFeature(feature: Record<string, unknown>, install: string): string {
  const ws = workspace();
  const dir = join(ws, '.devcontainer', 'greeter');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(ws, '.devcontainer', 'devcontainer.json'), JSON.stringify({ image: IMAGE, remoteUser: 'node', features: { './greeter': { greeting: 'hello from the feature' } }, postCreateCommand: 'echo own >> /tmp/order' }));
  writeFileSync(join(dir, 'devcontainer-feature.json'), JSON.stringify({ id: 'greeter', version: '1.0.0', name: 'Greeter', options: { greeting: { type: 'string', default: 'hi' } }, ...feature }));
  writeFileSync(join(dir, 'install.sh'), install, { mode: 0o755 });
  return ws;
}

const INSTALL = '#!/bin/sh\nset -e\nprintf \'#!/bin/sh\\necho "%s"\\n\' "$GREETING" > /usr/local/bin/greet\nchmod 755 /usr/local/bin/greet\n';

describe('docker: Dev Container Features built with the Dev Containers CLI', function () {
  this.timeout(300_000);
  const { rt, cleanup } = testRuntime('feat');
  const built: string[] = [];
  before(() => requireEngine(rt));
  after(async () => {
    await cleanup();
    for (const id of built) await new Docker().getImage(id).remove({ force: true }).catch(() => undefined);
  });

  it('a repository whose devcontainer.json uses a local feature gets it in the station, with its options, env and lifecycle command first', async () => {
    const ws = repoWithFeature({ containerEnv: { GREETER_HOME: '/opt/greeter' }, postCreateCommand: 'echo feature >> /tmp/order' }, INSTALL);
    const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
    assert.deepEqual(spec.features, [{ id: './greeter', kind: 'local', path: '.devcontainer/greeter', options: { greeting: 'hello from the feature' } }]);
    const logs: string[] = [];
    const s = await rt.prepare(spec, { runId: 'feat-1', sessionId: 'sess', workspaceDir: ws, onBuildOutput: (l) => logs.push(l.text) });
    built.push(s.imageDigest);
    const out = collect();
    const r = await s.exec(['sh', '-c', 'greet; echo "env=$GREETER_HOME"; cat /tmp/order; id -un'], { onStdout: out.sink, onStderr: out.sink });
    assert.equal(r.exitCode, 0, out.text());
    assert.equal(out.text(), 'hello from the feature\nenv=/opt/greeter\nfeature\nown\nnode\n');
    assert.ok(logs.some((l) => /Feature\s+: Greeter/.test(l)), 'the CLI\'s feature build output reaches the log');
    await s.remove();

    // The same features on the same base: the built image is reused, not rebuilt.
    const again = await rt.prepare(await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE }), { runId: 'feat-2', sessionId: 'sess', workspaceDir: ws });
    assert.equal(again.imageDigest, s.imageDigest);
    await again.remove();
  });

  it('a feature asking for a privileged container or a dangerous capability is refused by feature id', async () => {
    const ws = repoWithFeature({ privileged: true, capAdd: ['SYS_ADMIN'] }, INSTALL);
    const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
    await assert.rejects(
      rt.prepare(spec, { runId: 'feat-3', sessionId: 'sess', workspaceDir: ws, onBuildOutput: () => undefined }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigRefusedError, String(e));
        assert.deepEqual(e.problems.map((p) => p.property), ['features../greeter.privileged', 'features../greeter.capAdd']);
        return true;
      },
    );
    const tagged = await new Docker().listImages({ filters: { label: ['shopfloor.image-hash'] } });
    for (const i of tagged) if ((i.Labels ?? {})['devcontainer.metadata']?.includes('SYS_ADMIN')) built.push(i.Id);
  });

  it('a failing feature install is an image build error with the install output', async () => {
    const ws = repoWithFeature({}, '#!/bin/sh\necho "cannot install greeter" >&2\nexit 3\n');
    const spec = await readDevcontainer({ workspaceDir: ws, defaultImage: IMAGE });
    await assert.rejects(rt.prepare(spec, { runId: 'feat-4', sessionId: 'sess', workspaceDir: ws }), (e: Error) => e.name === 'ImageBuildError' && /cannot install greeter/.test((e as Error & { log: string }).log));
  });
});
