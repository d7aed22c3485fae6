import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dockerEnvironments } from '../../../src/app/docker-environments';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { GitWorkspaceProvider } from '../../../src/adapters/git/worktree';
import { requireDocker } from '../support/docker';

/**
 * The bridge from the run engine to Docker, on a real engine and a real git clone: a
 * station writes the work tree but never the clone's .git (where it could plant hooks or
 * fsmonitor commands that the host's own git would run), and the host's git still works
 * on what the station wrote.
 */
describe('compose: stations on Docker through the run engine port', function () {
  this.timeout(120_000);

  it('a station can change files but not .git; the host diff sees the change and runs no planted hook', async () => {
    await requireDocker();
    const repo = mkdtempSync(join(tmpdir(), 'shopfloor-compose-'));
    writeFileSync(join(repo, 'index.js'), "module.exports = 'broken';\n");
    execFileSync('git', ['init', '-q'], { cwd: repo });
    execFileSync('git', ['add', '-A'], { cwd: repo });
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-qm', 'init'], { cwd: repo });
    const runId = `20261121-000000-${Math.random().toString(16).slice(2, 8)}`;
    const workspaces = new GitWorkspaceProvider(repo);
    const ws = await workspaces.create(runId, await workspaces.resolveBase(undefined));
    const docker = dockerEnvironments({ repo, scratchDir: join(runFolder(repo, runId).dir, 'scratch') });
    try {
      const env = await docker.provider.prepare({ runId, stationId: 'implement', workspaceDir: ws.dir, network: { mode: 'none' }, env: {}, mounts: [] });
      const write = await env.exec(['sh', '-c', "printf \"module.exports = 'fixed';\\n\" > index.js"]);
      assert.equal(write.exitCode, 0, write.output);
      const plant = await env.exec(['sh', '-c', 'mkdir -p .git/hooks && printf "#!/bin/sh\\ntouch /tmp/pwned\\n" > .git/hooks/post-commit || exit 9; git config core.fsmonitor /bin/false || exit 9']);
      assert.equal(plant.exitCode, 9, `writing .git must fail inside the station: ${plant.output}`);
      assert.match(plant.output, /Read-only file system/);
      const diff = await ws.diff();
      assert.deepEqual(diff.files.map((f) => f.path), ['index.js']);
    } finally {
      await docker.provider.cleanup(runId);
      await docker.dispose();
    }
  });
});
