import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { requireDocker } from './support/docker';

const root = resolve(__dirname, '..', '..');
const cli = join(root, 'dist', 'cli.js');

describe('integration: foundation', () => {
  it('a Docker engine answers and the locally built base images exist', async () => {
    const docker = await requireDocker();
    const version = await docker.version();
    assert.ok(version.ApiVersion, 'engine reports an API version');
    for (const image of ['shopfloor/debian:bookworm', 'shopfloor/node:bookworm']) {
      const info = await docker.getImage(image).inspect();
      assert.match(info.Id, /^sha256:/, image);
    }
  });

  it('runs a command in a container from the base image and gets its exit code back', async () => {
    const docker = await requireDocker();
    const container = await docker.createContainer({
      Image: 'shopfloor/debian:bookworm',
      Cmd: ['sh', '-c', 'exit 7'],
      HostConfig: { NetworkMode: 'none', AutoRemove: false },
      Labels: { 'shopfloor.owner': 'test' },
    });
    try {
      await container.start();
      const result = await container.wait();
      assert.equal(result.StatusCode, 7);
    } finally {
      await container.remove({ force: true });
    }
  });

  describe('the built CLI', () => {
    before(() => assert.ok(existsSync(cli), `${cli} is missing: run npm run build`));

    it('`shopfloor validate` accepts a valid blueprint and names the bad field of a broken one', () => {
      const dir = mkdtempSync(join(tmpdir(), 'shopfloor-cli-'));
      const good = {
        schemaVersion: 1,
        name: 'bugfix',
        version: '1.0.0',
        tier: 'team',
        pattern: 'interactive',
        stations: [{ id: 'reproduce', role: 'reproduce', kind: 'command', from: 'packet.reproduction' }],
      };
      writeFileSync(join(dir, 'good.json'), JSON.stringify(good));
      writeFileSync(join(dir, 'bad.yaml'), 'schemaVersion: 1\nname: bugfix\nversion: "1.0"\ntier: team\npattern: interactive\nstations:\n  - id: reproduce\n    role: reproduce\n    kind: command\n    gate: { when: sometimes }\n    from: packet.reproduction\n');
      const ok = spawnSync(process.execPath, [cli, 'validate', join(dir, 'good.json')], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stderr);
      assert.match(ok.stdout, /ok .*good\.json \(blueprint\)/);
      const bad = spawnSync(process.execPath, [cli, 'validate', join(dir, 'bad.yaml')], { encoding: 'utf8' });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /version: expected a semantic version/);
      assert.match(bad.stderr, /stations\[0\]\.gate\.when/);
    });

    it('prints its version', () => {
      const r = spawnSync(process.execPath, [cli, '--version'], { encoding: 'utf8' });
      assert.equal(r.status, 0);
      assert.match(r.stdout.trim(), /^\d+\.\d+\.\d+/);
    });
  });
});
