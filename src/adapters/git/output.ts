import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { safeDirectory, workspaceGit } from './worktree';
import { simpleGit } from 'simple-git';
import type { OutputPublisher, OutputRequest } from '../../core/run/ports';

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

async function configured(repo: string, key: string): Promise<string | undefined> {
  const v = await simpleGit(repo)
    .raw(['config', '--get', key])
    .catch(() => '');
  return v.trim() || undefined;
}

/**
 * Hands a PR_READY run to the user's repository: one commit in the run workspace (the
 * user's git identity when configured, else Shopfloor; dates fixed to the run's terminal
 * time so a resumed run makes the same commit), branch `shopfloor/<run-id>` fetched into
 * the user's repository (refs and objects only: its working tree, index and HEAD are not
 * touched), and the evidence Markdown as a git note under refs/notes/shopfloor. Safe to
 * repeat; throws when the branch exists at another commit.
 */
export class GitOutputPublisher implements OutputPublisher {
  constructor(private readonly repo: string) {}

  async publish(req: OutputRequest): Promise<{ branch: string; commit: string }> {
    const branch = `shopfloor/${req.runId}`;
    const name = (await configured(this.repo, 'user.name')) ?? 'Shopfloor';
    const email = (await configured(this.repo, 'user.email')) ?? 'shopfloor@localhost';
    const identity = { GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email, GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_DATE: req.date, GIT_COMMITTER_DATE: req.date };
    const ws = workspaceGit(req.workspace.dir, { allowEnvironment: IDENTITY_VARS }).env(gitEnv(identity));

    let commit = (await ws.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).catch(() => '')).trim();
    if (!commit) {
      await ws.raw(['add', '-A']);
      const msgFile = tmpFile(req.message);
      try {
        await ws.raw(['-c', 'commit.gpgsign=false', 'commit', '--quiet', '--no-verify', '-F', msgFile]);
      } finally {
        fs.rmSync(msgFile, { force: true });
      }
      commit = (await ws.raw(['rev-parse', 'HEAD'])).trim();
      await ws.raw(['branch', branch, commit]);
    }

    // allowUnsafePack: the upload-pack command is ours (below), never from user input.
    const user = simpleGit({ baseDir: this.repo, allowEnvironment: IDENTITY_VARS, unsafe: { allowUnsafePack: true } }).env(gitEnv({ GIT_COMMITTER_NAME: name, GIT_COMMITTER_EMAIL: email, GIT_AUTHOR_NAME: name, GIT_AUTHOR_EMAIL: email }));
    const existing = (await user.raw(['rev-parse', '--verify', '--quiet', `refs/heads/${branch}`]).catch(() => '')).trim();
    if (existing && existing !== commit) throw new Error(`${branch} already exists in ${this.repo} at ${existing}, not at the run's commit ${commit}`);
    if (!existing) {
      // git runs upload-pack in the workspace clone with a cleaned environment (no -c), and
      // stations may own that clone: name it safe on upload-pack's own command line.
      const uploadPack = ['git', ...safeDirectory(req.workspace.dir).flatMap((c) => ['-c', c]), 'upload-pack'].map(shellQuote).join(' ');
      await user.raw(['fetch', '--quiet', '--no-tags', `--upload-pack=${uploadPack}`, req.workspace.dir, `refs/heads/${branch}:refs/heads/${branch}`]);
    }

    const noteFile = tmpFile(req.note);
    try {
      await user.raw(['notes', `--ref=${NOTES_REF}`, 'add', '-f', '-F', noteFile, commit]);
    } finally {
      fs.rmSync(noteFile, { force: true });
    }
    return { branch, commit };
  }
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
