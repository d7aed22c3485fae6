import type { Readiness, ReadinessCheck, RepoProfile } from './types';

/**
 * What a validation baseline (src/core/run/baseline.ts) found on the profiled commit: the
 * commands it ran and their exit codes (null: killed), and the run that recorded it.
 */
export interface BaselineFacts {
  runId: string;
  commands: readonly { argv: readonly string[]; cwd?: string; exitCode: number | null; timedOut?: boolean }[];
}

/** Ecosystems whose tests idiomatically live inside the source files (Rust `#[test]`), so no test file or folder is expected. */
const INLINE_TESTS = new Set<string>(['cargo']);

const NOT_MANIFEST = new Set<string>(['docs', 'github-actions', 'gitlab-ci', 'jenkins', 'circleci', 'travis']);

const WEIGHTS: Record<ReadinessCheck['id'], number> = { 'runnable-tests': 35, setup: 15, ci: 15, devcontainer: 15, 'agent-docs': 10, lint: 5, codeowners: 5 };

/**
 * The `runnable-tests` check. Statically: a test command (manifests first, else CI) and
 * something for it to run (a test folder or a file named like a test; a package published
 * without its tests has the script but nothing to test). Once a validation baseline ran a
 * test command on this commit, its exit code decides instead: the run is the better witness.
 */
function runnableTests(p: Omit<RepoProfile, 'readiness'>, baseline: BaselineFacts | undefined): ReadinessCheck {
  const manifestTests = p.testCommands.filter((c) => !NOT_MANIFEST.has(c.from));
  const ciTests = p.ciCommands.filter((c) => c.kind === 'test');
  const key = (argv: readonly string[], cwd?: string) => JSON.stringify([argv, cwd ?? '']);
  const testKeys = new Set(p.testCommands.map((c) => key(c.argv, c.cwd)));
  const ran = baseline?.commands.find((c) => testKeys.has(key(c.argv, c.cwd)));
  if (baseline && ran) {
    const ok = ran.exitCode === 0 && !ran.timedOut;
    const how = ran.timedOut ? 'timed out' : ran.exitCode === null ? 'was killed' : `exit ${ran.exitCode}`;
    return { id: 'runnable-tests', ok, detail: `${ran.argv.join(' ')} ${ok ? 'passed' : 'failed'} on the base commit (${how}) in the validation baseline of run ${baseline.runId}` };
  }
  const hasTests = p.testDirs.length > 0 || p.testFiles.length > 0 || p.ecosystems.some((e) => INLINE_TESTS.has(e));
  const noTests = 'but the repository has no test folder and no file named like a test, so it has nothing to run';
  if (manifestTests.length) {
    const c = manifestTests[0]!;
    return { id: 'runnable-tests', ok: hasTests, detail: `test command from ${c.origin.file}: ${c.argv.join(' ')}${hasTests ? '' : `, ${noTests}`}` };
  }
  if (ciTests.length) {
    const c = ciTests[0]!;
    return { id: 'runnable-tests', ok: hasTests, detail: `no test command in manifests; CI runs "${c.run.split('\n')[0]}" (${c.file}:${c.line})${hasTests ? '' : `, ${noTests}`}` };
  }
  return { id: 'runnable-tests', ok: false, detail: 'no test command found in manifests, CI or docs' };
}

/**
 * How ready a repository is for factory work. `unattended` needs what lets a run prove
 * itself without a person: tests that run, a reproducible set-up, a devcontainer, and CI
 * as the second witness. Anything less is `interactive` (a human at each gate). With
 * `baseline` (what the last validation baseline on this commit found), `runnable-tests`
 * follows its result.
 */
export function assessReadiness(p: Omit<RepoProfile, 'readiness'>, baseline?: BaselineFacts): Readiness {
  const manifestTests = p.testCommands.filter((c) => !NOT_MANIFEST.has(c.from));
  const checks: ReadinessCheck[] = [
    runnableTests(p, baseline),
    { id: 'setup', ok: p.setupCommands.length > 0, detail: p.setupCommands.length ? p.setupCommands.map((c) => c.argv.join(' ')).join('; ') : 'no install command found' },
    { id: 'ci', ok: p.ci.length > 0, detail: p.ci.length ? p.ci.map((c) => `${c.system} (${c.file})`).join(', ') : 'no CI definition' },
    {
      id: 'devcontainer',
      ok: !!p.devcontainer,
      detail: p.devcontainer ? `${p.devcontainer.path}${p.devcontainer.hasInitializeCommand ? ' (initializeCommand present; Shopfloor never runs it)' : ''}` : 'no devcontainer.json: stations use the default image',
    },
    { id: 'agent-docs', ok: p.agentDocs.length > 0, detail: p.agentDocs.length ? p.agentDocs.join(', ') : `no agent docs${p.contributorDocs.length ? ` (contributor docs: ${p.contributorDocs.join(', ')})` : ''}` },
    { id: 'lint', ok: p.lintCommands.length > 0, detail: p.lintCommands.length ? p.lintCommands[0]!.argv.join(' ') : 'no lint command' },
    { id: 'codeowners', ok: !!p.codeowners, detail: p.codeowners ? `${p.codeowners.path} (${p.codeowners.rules.length} rules)` : 'no CODEOWNERS' },
  ];
  const score = checks.reduce((s, c) => s + (c.ok ? WEIGHTS[c.id] : 0), 0);
  const need = (['runnable-tests', 'setup', 'devcontainer', 'ci'] as const).filter((id) => !checks.find((c) => c.id === id)!.ok);
  const pattern = need.length === 0 && manifestTests.length > 0 ? 'unattended' : 'interactive';
  const reasons =
    pattern === 'unattended'
      ? ['tests, set-up, devcontainer and CI found: runs can prove themselves; gates may follow an unattended policy']
      : [
          ...need.map((id) => `missing ${id}: ${checks.find((c) => c.id === id)!.detail}`),
          ...(need.length === 0 ? ['tests are known only from CI, not from the manifests: keep a human at the gates'] : []),
        ];
  return { score, checks, pattern, reasons };
}

/** The profile with its readiness reassessed from a validation baseline's result on the profiled commit. Pure. */
export function withBaseline(p: RepoProfile, baseline: BaselineFacts | undefined): RepoProfile {
  if (!baseline) return p;
  const { readiness: _old, ...rest } = p;
  return { ...p, readiness: assessReadiness(rest, baseline) };
}
