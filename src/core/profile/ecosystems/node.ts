import { parse as parseYaml } from 'yaml';
import { DetectContext, depth, fromRepo } from '../context';
import { dirname, globToRegExp, joinPath, lineOf, parseJsonLoose } from '../text';
import type { Ecosystem } from '../types';

type Pm = 'npm' | 'yarn' | 'pnpm';

interface PackageJson {
  name?: string;
  main?: string;
  scripts?: Record<string, string>;
  workspaces?: string[] | { packages?: string[] };
  packageManager?: string;
}

/** npm's placeholder test script, which only fails: not a test command. */
const NPM_PLACEHOLDER = /no test specified/;

const SCRIPT_KINDS: { kind: 'test' | 'build' | 'lint'; names: string[] }[] = [
  { kind: 'test', names: ['test', 'test:unit', 'tests', 'spec'] },
  { kind: 'build', names: ['build', 'compile'] },
  { kind: 'lint', names: ['lint', 'typecheck', 'type-check', 'check-types', 'format:check'] },
];

function packageManager(ctx: DetectContext, dir: string, pkg: PackageJson): { pm: Pm; lock?: string; berry: boolean } {
  const declared = /^(npm|yarn|pnpm)@(\d+)/.exec(pkg.packageManager ?? '');
  for (const d of dir ? [dir, ''] : ['']) {
    if (ctx.has(joinPath(d, 'pnpm-lock.yaml'))) return { pm: 'pnpm', lock: joinPath(d, 'pnpm-lock.yaml'), berry: false };
    if (ctx.has(joinPath(d, 'yarn.lock')))
      return { pm: 'yarn', lock: joinPath(d, 'yarn.lock'), berry: ctx.has(joinPath(d, '.yarnrc.yml')) || Number(declared?.[1] === 'yarn' ? declared[2] : 1) >= 2 };
    for (const l of ['package-lock.json', 'npm-shrinkwrap.json']) if (ctx.has(joinPath(d, l))) return { pm: 'npm', lock: joinPath(d, l), berry: false };
  }
  if (declared) return { pm: declared[1] as Pm, berry: declared[1] === 'yarn' && Number(declared[2]) >= 2 };
  return { pm: 'npm', berry: false };
}

function setupArgv(pm: Pm, lock: string | undefined, berry: boolean): string[] {
  if (pm === 'pnpm') return lock ? ['pnpm', 'install', '--frozen-lockfile'] : ['pnpm', 'install'];
  if (pm === 'yarn') return lock ? (berry ? ['yarn', 'install', '--immutable'] : ['yarn', 'install', '--frozen-lockfile']) : ['yarn', 'install'];
  return lock ? ['npm', 'ci'] : ['npm', 'install'];
}

function scriptArgv(pm: Pm, name: string): string[] {
  if (name === 'test') return [pm, 'test'];
  return pm === 'npm' ? ['npm', 'run', name] : [pm, 'run', name];
}

/** Member folders of a workspace, from its globs, among folders holding a package.json. */
function resolveMembers(ctx: DetectContext, base: string, globs: string[]): string[] {
  const pkgDirs = ctx.named('package.json').map(dirname).filter((d) => d !== base);
  const include = globs.filter((g) => !g.startsWith('!')).map((g) => globToRegExp(joinPath(base, g.replace(/\/$/, ''))));
  const exclude = globs.filter((g) => g.startsWith('!')).map((g) => globToRegExp(joinPath(base, g.slice(1).replace(/\/$/, ''))));
  return pkgDirs.filter((d) => include.some((r) => r.test(d)) && !exclude.some((r) => r.test(d)));
}

/**
 * npm, yarn and pnpm: `package.json` scripts, the lockfile (which picks the package
 * manager and makes install reproducible), and workspaces (package.json `workspaces`,
 * pnpm-workspace.yaml, lerna.json).
 */
export function detectNode(ctx: DetectContext): void {
  const manifests = ctx.named('package.json').filter((p) => depth(p) <= 3);
  const covered = new Set<string>();
  for (const file of manifests) {
    const dir = dirname(file);
    const text = ctx.text(file);
    const pkg = text === undefined ? undefined : (parseJsonLoose(text) as PackageJson | undefined);
    const { pm, lock, berry } = packageManager(ctx, dir, pkg ?? {});
    ctx.manifest(pm as Ecosystem, file);
    if (!pkg || typeof pkg !== 'object') {
      if (text !== undefined) ctx.skip(file, 'not valid JSON');
      continue;
    }
    if (typeof pkg.name === 'string' && pkg.name) {
      const entry = packageMain(ctx, dir);
      ctx.packages.push({ name: pkg.name, ecosystem: pm as Ecosystem, manifest: file, ...(entry ? { entry } : {}) });
    }
    if (covered.has(dir)) continue;
    // Sub-packages deeper than the first level are read only when they are not workspace members.
    if (depth(file) > 1 && dir) continue;

    // Workspaces first, so members are not treated as separate projects.
    const globs = Array.isArray(pkg.workspaces) ? pkg.workspaces : pkg.workspaces?.packages;
    if (globs?.length) {
      const members = resolveMembers(ctx, dir, globs);
      members.forEach((m) => covered.add(m));
      ctx.workspace({ tool: pm === 'npm' ? 'npm' : pm, file, members });
    }
    const pnpmWs = joinPath(dir, 'pnpm-workspace.yaml');
    const pnpmText = ctx.text(pnpmWs);
    if (pnpmText !== undefined) {
      try {
        const doc = parseYaml(pnpmText) as { packages?: string[] } | null;
        const members = resolveMembers(ctx, dir, doc?.packages ?? []);
        members.forEach((m) => covered.add(m));
        ctx.workspace({ tool: 'pnpm', file: pnpmWs, members });
      } catch {
        ctx.skip(pnpmWs, 'not valid YAML');
      }
    }
    const lernaFile = joinPath(dir, 'lerna.json');
    const lerna = ctx.text(lernaFile);
    if (lerna !== undefined) {
      const l = parseJsonLoose(lerna) as { packages?: string[] } | undefined;
      const members = resolveMembers(ctx, dir, l?.packages ?? ['packages/*']);
      members.forEach((m) => covered.add(m));
      ctx.workspace({ tool: 'lerna', file: lernaFile, members });
    }

    const cwd = dir || undefined;
    ctx.command(
      'setup',
      pm as Ecosystem,
      setupArgv(pm, lock, berry),
      fromRepo(lock ?? file, undefined, lock ? `${pm}: install exactly what ${lock} pins` : `${pm}: no lockfile, install resolves versions anew`),
      cwd,
    );
    const scriptsAt = text!.indexOf('"scripts"');
    for (const { kind, names } of SCRIPT_KINDS) {
      for (const name of names) {
        const body = pkg.scripts?.[name];
        if (typeof body !== 'string' || (name === 'test' && NPM_PLACEHOLDER.test(body))) continue;
        const line = lineOf(text!, `"${name}"`, Math.max(0, scriptsAt));
        ctx.command(kind, pm as Ecosystem, scriptArgv(pm, name), fromRepo(file, line, `package.json script "${name}": ${body}`), cwd);
        if (kind !== 'lint') break;
      }
    }
  }
}

/** Entry file of an npm package (package.json `main`, else index.js), repository-relative. */
export function packageMain(ctx: { text(path: string): string | undefined; has(path: string): boolean }, dir = ''): string | undefined {
  const text = ctx.text(joinPath(dir, 'package.json'));
  const pkg = text === undefined ? undefined : (parseJsonLoose(text) as PackageJson | undefined);
  const main = (pkg?.main ?? 'index.js').replace(/^\.\//, '');
  for (const cand of [main, `${main}.js`, `${main}/index.js`]) if (ctx.has(joinPath(dir, cand))) return joinPath(dir, cand);
  return undefined;
}

