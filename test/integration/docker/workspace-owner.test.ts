import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { dockerEnvironments } from '../../../src/app/docker-environments';
import { runFolder } from '../../../src/adapters/store/run-folder';
import { GitWorkspaceProvider } from '../../../src/adapters/git/worktree';
import { git, tempRepo } from '../git/temp-repo';
import { requireDocker } from '../support/docker';

/** Every file under `dir`, with its inode, owner and link count. */
function files(dir: string): Map<string, fs.Stats> {
  const out = new Map<string, fs.Stats>();
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!e.isFile()) continue;
    const p = join(e.parentPath, e.name);
    out.set(p, fs.statSync(p));
  }
  return out;
}

/**
 * The user's repository is left as it was (issue 9, item 8): when the station runs as a
 * non-root image user, the Docker runtime hands the run workspace to it (chown -R). A local
 * clone hard-links the user's .git/objects files, so that chown used to change the owner of
 * the user's own objects. The workspace clone copies them instead.
 */
describe('workspace: handing the run workspace to the station user leaves the user objects alone (real Docker, real git)', function () {
  this.timeout(120_000);

  it("the user's .git/objects keep their owner and inode, and share no inode with the workspace", async () => {
    await requireDocker();
    if (process.getuid?.() !== 0) return void console.log('      (skipped: the runtime only changes owners when it runs as root)');
    const t = tempRepo();
    git(t.repo, 'repack', '-q'); // a pack as well as loose objects
    fs.writeFileSync(join(t.repo, 'more.js'), 'more\n');
    git(t.repo, 'add', 'more.js');
    git(t.repo, 'commit', '-qm', 'more');
    const objects = join(t.repo, '.git', 'objects');
    const before = files(objects);
    assert.ok(before.size > 3);
    const runId = `20261202-000000-${Math.random().toString(16).slice(2, 8)}`;
    const workspaces = new GitWorkspaceProvider(t.repo);
    const ws = await workspaces.create(runId, await workspaces.resolveBase(undefined));
    const docker = dockerEnvironments({ repo: t.repo, scratchDir: join(runFolder(t.repo, runId).dir, 'scratch') });
    try {
      const env = await docker.provider.prepare({ runId, stationId: 'implement', workspaceDir: ws.dir, network: { mode: 'none' }, env: {}, mounts: [] });
      const who = await env.exec(['id', '-u']);
      assert.notEqual(who.output.trim(), '0', 'the station runs as a non-root image user');
      assert.equal(fs.statSync(join(ws.dir, 'index.js')).uid, Number(who.output.trim()), 'the workspace was handed to the station user');
    } finally {
      await docker.provider.cleanup(runId);
      await docker.dispose();
    }
    const wsInodes = new Set([...files(join(ws.dir, '.git', 'objects')).values()].map((s) => s.ino));
    for (const [p, st] of files(objects)) {
      const was = before.get(p);
      if (!was) continue;
      assert.equal(st.uid, was.uid, `${p}: owner changed`);
      assert.equal(st.ino, was.ino, `${p}: replaced`);
      assert.equal(st.nlink, 1, `${p}: hard-linked (${st.nlink} links)`);
      assert.equal(wsInodes.has(st.ino), false, `${p}: shared with the workspace`);
    }
  });
});
