import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Runs git in `cwd` with a fixed identity; returns trimmed stdout. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' },
  }).trim();
}

/**
 * A throw-away git repository with a small bug: `node repro.js` exits 1 while index.js
 * says "broken" and 0 once it says "fixed"; `node test.js` checks the module loads.
 * Also writes `fix.js` OUTSIDE the repo (an implement command) and returns its path.
 */
export function tempRepo(): { repo: string; root: string; fixScript: string; head: string } {
  const root = fs.mkdtempSync(join(tmpdir(), 'sf-it-'));
  const repo = join(root, 'repo');
  fs.mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'config', 'user.name', 'Dev');
  git(repo, 'config', 'user.email', 'dev@example.com');
  fs.writeFileSync(join(repo, 'index.js'), "module.exports = 'broken';\n");
  fs.writeFileSync(join(repo, 'repro.js'), "process.exit(require('./index.js') === 'broken' ? 1 : 0);\n");
  fs.writeFileSync(join(repo, 'test.js'), "require('./index.js');\nconsole.log('ok');\n");
  fs.writeFileSync(join(repo, '.gitignore'), 'node_modules/\n.shopfloor/\n');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'initial');
  const fixScript = join(root, 'fix.js');
  fs.writeFileSync(fixScript, "const fs = require('fs');\nfs.writeFileSync('index.js', \"module.exports = 'fixed';\\n\");\n");
  return { repo, root, fixScript, head: git(repo, 'rev-parse', 'HEAD') };
}
