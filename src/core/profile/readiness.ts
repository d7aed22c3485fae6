import type { Readiness, ReadinessCheck, RepoProfile } from './types';

const NOT_MANIFEST = new Set<string>(['docs', 'github-actions', 'gitlab-ci', 'jenkins', 'circleci', 'travis']);

const WEIGHTS: Record<ReadinessCheck['id'], number> = { 'runnable-tests': 35, setup: 15, ci: 15, devcontainer: 15, 'agent-docs': 10, lint: 5, codeowners: 5 };

/**
 * How ready a repository is for factory work. `unattended` needs what lets a run prove
 * itself without a person: tests that run, a reproducible set-up, a devcontainer, and CI
 * as the second witness. Anything less is `interactive` (a human at each gate).
 */
export function assessReadiness(p: Omit<RepoProfile, 'readiness'>): Readiness {
  const manifestTests = p.testCommands.filter((c) => !NOT_MANIFEST.has(c.from));
  const ciTests = p.ciCommands.filter((c) => c.kind === 'test');
  const checks: ReadinessCheck[] = [
    {
      id: 'runnable-tests',
      ok: manifestTests.length > 0 || ciTests.length > 0,
      detail: manifestTests.length
        ? `test command from ${manifestTests[0]!.origin.file}: ${manifestTests[0]!.argv.join(' ')}`
        : ciTests.length
          ? `no test command in manifests; CI runs "${ciTests[0]!.run.split('\n')[0]}" (${ciTests[0]!.file}:${ciTests[0]!.line})`
          : 'no test command found in manifests, CI or docs',
    },
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
