import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { dirname, join } from 'node:path';
import type { RunWorkspace, SetupCache } from '../../core/run/ports';

/** The ignored files and folders of a workspace (what set-up installs: node_modules, .venv, target...). */
function ignoredEntries(dir: string): string[] {
  const out = execFileSync('git', ['-c', `safe.directory=${dir}`, 'ls-files', '--others', '--ignored', '--exclude-standard', '--directory', '-z'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return out.split('\0').filter(Boolean).map((p) => p.replace(/\/$/, ''));
}

/**
 * Set-up results cached on the host per key (base commit + set-up commands + image, see
 * setupCacheKey): after a successful set-up the workspace's ignored files are copied into
 * `root/<key>/`, and a later run on the same base commit copies them back instead of
 * installing again; with `only: 'dependency-trees'` only the `node_modules` folders are
 * kept (dependencyReuseKey: other commits with the same lockfile). Used with both
 * environments (a Docker station's workspace is copied in from the host).
 */
export class DirectorySetupCache implements SetupCache {
  constructor(private readonly root: string) {}

  async restore(key: string, workspace: RunWorkspace): Promise<boolean> {
    const dir = join(this.root, key);
    const manifest = join(dir, 'entries.json');
    if (!fs.existsSync(manifest)) return false;
    const entries = JSON.parse(fs.readFileSync(manifest, 'utf8')) as string[];
    for (const e of entries) {
      const target = join(workspace.dir, e);
      fs.mkdirSync(dirname(target), { recursive: true });
      fs.cpSync(join(dir, 'files', e), target, { recursive: true, verbatimSymlinks: true, force: true });
    }
    return true;
  }

  async save(key: string, workspace: RunWorkspace, o: { only?: 'dependency-trees' } = {}): Promise<void> {
    const dir = join(this.root, key);
    const tmp = `${dir}.tmp-${process.pid}`;
    fs.rmSync(tmp, { recursive: true, force: true });
    const entries = ignoredEntries(workspace.dir).filter((e) => !e.startsWith('.shopfloor') && (o.only !== 'dependency-trees' || e.split('/').pop() === 'node_modules'));
    // Nothing to keep is not a result to restore: the next run installs.
    if (o.only === 'dependency-trees' && !entries.length) return;
    for (const e of entries) fs.cpSync(join(workspace.dir, e), join(tmp, 'files', e), { recursive: true, verbatimSymlinks: true });
    fs.mkdirSync(tmp, { recursive: true });
    fs.writeFileSync(join(tmp, 'entries.json'), JSON.stringify(entries));
    fs.rmSync(dir, { recursive: true, force: true });
    // The manifest is written last and the folder renamed in one step: a half-saved cache is never restored.
    fs.renameSync(tmp, dir);
  }
}
