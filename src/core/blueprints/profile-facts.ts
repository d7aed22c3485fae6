import type { CommandSpec } from '../../contracts';
import type { ProfileFacts } from '../run/ports';

/** Package registry hosts per ecosystem: the only egress a set-up station gets. */
export const REGISTRY_HOSTS: Record<string, string[]> = {
  npm: ['registry.npmjs.org'],
  yarn: ['registry.yarnpkg.com', 'registry.npmjs.org'],
  pnpm: ['registry.npmjs.org'],
  python: ['pypi.org', 'files.pythonhosted.org'],
  cargo: ['index.crates.io', 'static.crates.io'],
  go: ['proxy.golang.org', 'sum.golang.org'],
  maven: ['repo.maven.apache.org', 'repo1.maven.org'],
  gradle: ['repo.maven.apache.org', 'plugins.gradle.org', 'services.gradle.org'],
  ruby: ['rubygems.org', 'index.rubygems.org'],
  php: ['repo.packagist.org'],
  dotnet: ['api.nuget.org'],
};

/** The ecosystem's own dependency-tree check, for the cve-remediation `dependency-check` station. */
export const DEPENDENCY_CHECKS: Record<string, CommandSpec> = {
  npm: { argv: ['npm', 'ls', '--all'], description: 'npm: the installed tree satisfies every manifest' },
  pnpm: { argv: ['pnpm', 'list', '--depth', 'Infinity'] },
  yarn: { argv: ['yarn', 'list'] },
  python: { argv: ['python', '-m', 'pip', 'check'] },
  go: { argv: ['go', 'mod', 'verify'] },
  cargo: { argv: ['cargo', 'tree', '--locked'] },
  maven: { argv: ['mvn', '-q', 'dependency:tree'] },
  gradle: { argv: ['./gradlew', '-q', 'dependencies'] },
  ruby: { argv: ['bundle', 'check'] },
  php: { argv: ['composer', 'validate'] },
  dotnet: { argv: ['dotnet', 'list', 'package', '--vulnerable'] },
};

/**
 * What the run engine needs from a repository profile: the set-up (install) commands the
 * profiler found, the ecosystems' dependency checks, and the registry hosts set-up may reach.
 */
export function profileFacts(profile: { ecosystems: readonly string[]; setupCommands: readonly CommandSpec[] }): ProfileFacts {
  const hosts = new Set<string>();
  for (const e of profile.ecosystems) for (const h of REGISTRY_HOSTS[e] ?? []) hosts.add(h);
  return {
    setup: profile.setupCommands.map(({ argv, cwd, env, timeoutSec, description }) => ({ argv: [...argv], cwd, env, timeoutSec, description })),
    dependencyCheck: profile.ecosystems.map((e) => DEPENDENCY_CHECKS[e]).filter((c): c is CommandSpec => c !== undefined),
    registryHosts: [...hosts],
  };
}
