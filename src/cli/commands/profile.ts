import { resolve } from 'node:path';
import type { Command } from 'commander';
import { GitRepoReader } from '../../adapters/git/repo-reader';
import { GitWorkspaceProvider } from '../../adapters/git/worktree';
import { DirectoryBaselineCache, baselineCacheDir } from '../../adapters/local/baseline-cache';
import { profileRepository } from '../../core/profile/profile';
import { withBaseline, type BaselineFacts } from '../../core/profile/readiness';
import type { DetectedCommand, RepoProfile } from '../../core/profile/types';

/**
 * What the newest validation baseline recorded for `head` in the repository's baseline
 * cache (runs write it), as readiness reads it; undefined when none ran on that commit.
 */
export async function baselineFacts(repo: string, head: string | undefined): Promise<BaselineFacts | undefined> {
  if (!head) return undefined;
  let stateDir: string;
  try {
    stateDir = await new GitWorkspaceProvider(repo).stateDir();
  } catch {
    return undefined;
  }
  const newest = new DirectoryBaselineCache(baselineCacheDir(stateDir)).forCommit(head)[0];
  return newest ? { runId: newest.runId, commands: newest.commands.map((c) => ({ argv: c.command.argv, cwd: c.command.cwd, exitCode: c.exitCode, timedOut: c.timedOut })) } : undefined;
}

function cmdLine(c: DetectedCommand): string {
  const where = `${c.origin.file ?? ''}${c.origin.line ? `:${c.origin.line}` : ''}`;
  return `  ${c.cwd ? `(${c.cwd}) ` : ''}${c.argv.join(' ')}    [${where}]`;
}

/** Human-readable profile: what was found and where, then readiness. */
export function formatProfile(p: RepoProfile): string {
  const out: string[] = [];
  out.push(`files: ${p.files.tracked} tracked (${p.files.symlinks} symlinks, ${p.files.submodules} submodules, not read)${p.head ? ` at ${p.head.slice(0, 12)}` : ''}`);
  out.push(`languages: ${p.languages.slice(0, 6).map((l) => `${l.language} ${Math.round(l.share * 100)}%`).join(', ') || 'none recognised'}`);
  out.push(`ecosystems: ${p.ecosystems.join(', ') || 'none'}${p.workspaces.length ? `; workspaces: ${p.workspaces.map((w) => `${w.tool} (${w.members.length} members, ${w.file})`).join(', ')}` : ''}`);
  for (const [title, list] of [['setup', p.setupCommands], ['build', p.buildCommands], ['test', p.testCommands], ['lint', p.lintCommands]] as const) {
    out.push(`${title}:${list.length ? '' : ' none found'}`);
    for (const c of list.slice(0, 8)) out.push(cmdLine(c));
  }
  out.push(`ci: ${p.ci.map((c) => `${c.system} ${c.file}`).join(', ') || 'none'}`);
  for (const c of p.ciCommands.slice(0, 12)) out.push(`  ${c.kind ?? '?'}: ${c.run.split('\n')[0]}    [${c.file}:${c.line}]`);
  out.push(`devcontainer: ${p.devcontainer ? p.devcontainer.path : 'none'}`);
  out.push(`agent docs: ${p.agentDocs.join(', ') || 'none'}; contributor docs: ${p.contributorDocs.join(', ') || 'none'}; CODEOWNERS: ${p.codeowners?.path ?? 'none'}`);
  out.push(`test folders: ${p.testDirs.slice(0, 8).join(', ') || 'none'}; test files: ${p.testFiles.length ? `${p.testFiles.slice(0, 5).join(', ')}${p.testFiles.length > 5 ? ', ...' : ''}` : 'none'}`);
  if (p.skipped.length) out.push(`skipped: ${p.skipped.map((s) => `${s.path} (${s.reason})`).join(', ')}`);
  out.push(`readiness: ${p.readiness.score}/100, recommended pattern: ${p.readiness.pattern}`);
  for (const c of p.readiness.checks) out.push(`  [${c.ok ? 'x' : ' '}] ${c.id}: ${c.detail}`);
  for (const r of p.readiness.reasons) out.push(`  - ${r}`);
  return out.join('\n') + '\n';
}

/** `shopfloor profile --repo DIR [--json]`: languages, commands, CI, docs and readiness of a repository. */
export function registerProfile(program: Command): void {
  program
    .command('profile')
    .description('profile a repository: languages, build/test/lint/setup commands, CI, devcontainer, docs, readiness')
    .option('--repo <dir>', 'repository to profile', '.')
    .option('--json', 'print the profile as JSON')
    .action(async (opts: { repo: string; json?: boolean }) => {
      const repo = resolve(opts.repo);
      const scanned = await profileRepository(new GitRepoReader(repo));
      // Once a run's validation baseline ran on this commit, readiness follows its result.
      const profile = withBaseline(scanned, await baselineFacts(repo, scanned.head));
      process.stdout.write(opts.json ? `${JSON.stringify(profile, null, 2)}\n` : formatProfile(profile));
    });
}
