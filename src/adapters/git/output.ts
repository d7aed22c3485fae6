import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sha256Hex } from '../../core/hash';
import { formatEvidenceNote } from '../../core/run/evidence-note';
import { OutputRefusedError } from '../../core/run/errors';
import type { OutputPublisher, OutputRequest } from '../../core/run/ports';
import { userRepoGit, userRepoGitConfigArgs } from './user-repo';

/** The notes ref evidence is attached under. */
export const NOTES_REF = 'refs/notes/shopfloor';

/** Identity and date variables the commit needs (simple-git guards them unless allowed). */
const IDENTITY_VARS = ['GIT_AUTHOR_NAME', 'GIT_AUTHOR_EMAIL', 'GIT_COMMITTER_NAME', 'GIT_COMMITTER_EMAIL', 'GIT_AUTHOR_DATE', 'GIT_COMMITTER_DATE'];

/** A minimal environment for git children: simple-git refuses editor/pager variables, and nothing else is needed. */
function gitEnv(extra: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TMPDIR', 'SYSTEMROOT']) if (process.env[k] !== undefined) out[k] = process.env[k]!;
  return { ...out, ...extra };
}

/**
 * Hands a PR_READY run to the user's repository: the approved patch (never the live run
 * workspace) applied to the base commit in a scratch repository, one commit (the user's git
 * identity when configured, else Shopfloor; dates fixed to the run's terminal time so a
 * resumed run makes the same commit), branch `shopfloor/<run-id>` fetched into the user's
 * repository (refs and objects only: its working tree, index and HEAD are not touched), and
 * the evidence Markdown as a git note under refs/notes/shopfloor, ending in the trailer of
 * formatEvidenceNote (src/core/run/evidence-note.ts, format 1: `Shopfloor-Run: <run id>` and
 * `Shopfloor-Evidence-SHA256: <hex of evidence.json>` lines after a blank line), so a reviewer
 * holding only the commit can find the run folder and check it is this evidence
 * (src/adapters/git/notes-read.ts reads it back). Every git command in the
 * user's repository runs through userRepoGit (no hooks, fsmonitor or maintenance). Safe to
 * repeat. Throws OutputRefusedError when the patch is not the approved one (SHA-256 differs)
 * or does not apply to the base commit, and Error when the branch exists at another commit.
 */
export class GitOutputPublisher implements OutputPublisher {
  constructor(private readonly repo: string) {}

  async publish(req: OutputRequest): Promise<{ branch: string; commit: string }> {
    const actual = sha256Hex(req.patch);
    if (actual !== req.approvedPatchSha256)
      throw new OutputRefusedError(`the patch to ship (SHA-256 ${actual.slice(0, 12)}) is not the one the output gate approved (SHA-256 ${req.approvedPatchSha256.slice(0, 12)}): it was changed after approval; nothing was published`);
    // Formatted first: a run id or hash the trailer cannot carry stops the publication before any ref is written.
    const note = formatEvidenceNote(req.note, { runId: req.runId, evidenceSha256: req.evidenceSha256 });
    const branch = `shopfloor/${req.runId}`;
    const user = userRepoGit(this.repo);
    const name = (await configured(this.repo, 'user.name')) ?? 'Shopfloor';
    const email = (await configured(this.repo, 'user.email')) ?? 'shopfloor@localhost';
    const identity = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_DATE: req.date, GIT_COMMITTER_DATE: req.date };
    const objects = await user.raw(['rev-parse', '--git-path', 'objects']).then((o) => o.trim());
    const scratch = fs.mkdtempSync(join(tmpdir(), 'shopfloor-output-'));
    try {
      const commit = await commitPatch(scratch, isAbsolute(objects) ? objects : join(this.repo, objects), req, identity);
      const existing = (await user.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).catch(() => '')).trim();
      if (existing && existing !== commit) throw new Error(`${branch} already exists in ${this.repo} at ${existing}, not at the run's commit ${commit}`);
      if (!existing) {
        await scratchGit(scratch, ['update-ref', `refs/heads/${branch}`, commit]);
        // git starts upload-pack in the scratch repository with a cleaned environment (no -c from
        // this command): its settings go on its own command line. allowUnsafePack: that command is ours.
        const uploadPack = ['git', ...userRepoGitConfigArgs(), 'upload-pack'].map(shellQuote).join(' ');
        await userRepoGit(this.repo, { unsafe: { allowUnsafePack: true } })
          .env(gitEnv({}))
          .raw(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--no-auto-gc', `--upload-pack=${uploadPack}`, scratch, `refs/heads/${branch}:refs/heads/${branch}`]);
      }
      const noteFile = tmpFile(note);
      try {
        await userRepoGit(this.repo, { allowEnvironment: IDENTITY_VARS })
          .env(gitEnv({ GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email }))
          .raw(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', noteFile, commit]);
      } finally {
        fs.rmSync(noteFile, { force: true });
      }
      return { branch, commit };
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
}

async function configured(repo: string, key: string): Promise<string | undefined> {
  const v = await userRepoGit(repo)
    .raw(['config', '--get', key])
    .catch(() => '');
  return v.trim() || undefined;
}

/**
 * Makes the output commit in `dir`, a fresh scratch repository borrowing the user's objects
 * (alternates: nothing is copied, nothing written to the user's repository): its index is
 * set to the base commit's tree, the patch is applied to that index (`git apply --cached
 * --binary`: the patch comes from GitRunWorkspace.diff, which writes binary hunks), and the
 * resulting tree is committed on the base commit. There is no work tree: no file of the
 * repository is written to disk, so no checkout, no clean/smudge filter, no symlink to
 * follow. The scratch repository's config is git's default (no hooks, user and system config
 * ignored), so nothing it runs is named by the repository or the user's config.
 * Returns the commit id; throws OutputRefusedError when the patch does not apply.
 */
async function commitPatch(dir: string, userObjects: string, req: OutputRequest, identity: Record<string, string>): Promise<string> {
  await scratchGit(dir, ['init', '--quiet', '--template=', dir]);
  fs.mkdirSync(join(dir, '.git', 'objects', 'info'), { recursive: true });
  fs.writeFileSync(join(dir, '.git', 'objects', 'info', 'alternates'), `${userObjects}\n`);
  await scratchGit(dir, ['read-tree', req.baseCommit]);
  if (req.patch.trim()) {
    const patchFile = join(dir, '.git', 'shopfloor-output.patch');
    fs.writeFileSync(patchFile, req.patch);
    await scratchGit(dir, ['apply', '--cached', '--binary', '--whitespace=nowarn', patchFile]).catch((e: Error) => {
      throw new OutputRefusedError(`the approved patch does not apply to the base commit ${req.baseCommit.slice(0, 12)}: ${e.message}`);
    });
  }
  const tree = (await scratchGit(dir, ['write-tree'])).trim();
  const msgFile = join(dir, '.git', 'shopfloor-output.msg');
  fs.writeFileSync(msgFile, req.message);
  return (await scratchGit(dir, ['commit-tree', tree, '-p', req.baseCommit, '-F', msgFile], identity)).trim();
}

/** Settings of every command in the scratch repository: nothing it could run is switched on. */
const SCRATCH_CONFIG = ['core.hooksPath=/dev/null', 'core.fsmonitor=false', 'commit.gpgSign=false', 'core.attributesFile=/dev/null', 'gc.auto=0', 'maintenance.auto=false'];

/** git in the scratch repository, with only git's defaults: system and user config are not read. */
function scratchGit(dir: string, args: string[], extraEnv: Record<string, string> = {}): Promise<string> {
  const env = { ...gitEnv(extraEnv), GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
  return new Promise((resolve, reject) =>
    execFile('git', [...SCRATCH_CONFIG.flatMap((c) => ['-c', c]), ...args], { cwd: dir, env, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args[0]} failed: ${String(stderr).trim() || err.message}`)) : resolve(String(stdout)),
    ),
  );
}

function tmpFile(text: string): string {
  const f = join(tmpdir(), `shopfloor-${randomBytes(6).toString('hex')}.txt`);
  fs.writeFileSync(f, text);
  return f;
}

/** POSIX single-quoting for one word of a command git passes to `sh -c`. */
function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=@:-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
