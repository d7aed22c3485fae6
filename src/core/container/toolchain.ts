import semver from 'semver';

/** The repository's files that say which runtime and package manager it wants (texts; absent: undefined). */
export interface ToolchainFiles {
  nvmrc?: string;
  nodeVersion?: string;
  toolVersions?: string;
  packageJson?: string;
  pnpmLock?: string;
  yarnLock?: string;
}

/** A requested version: a semver range (`22`, `^18.17`, `>=16 <21`, `20.11.1`) and the file that asked. */
export interface VersionRequest {
  range: string;
  source: string;
}

/** What the repository asks of the station image's toolchain; each part absent when it asks nothing. */
export interface ToolchainRequest {
  node?: VersionRequest;
  packageManager?: VersionRequest & { name: 'npm' | 'pnpm' | 'yarn' };
}

/** The workspace files `toolchainRequest` reads, by repository-relative path. */
export const TOOLCHAIN_FILES: Record<keyof ToolchainFiles, string> = {
  nvmrc: '.nvmrc',
  nodeVersion: '.node-version',
  toolVersions: '.tool-versions',
  packageJson: 'package.json',
  pnpmLock: 'pnpm-lock.yaml',
  yarnLock: 'yarn.lock',
};

/**
 * The Node.js version and package manager a repository asks for, first match wins:
 * node from `.nvmrc` (nvm's format: a version, `v`-prefixed or not; the aliases
 * `node`/`stable` mean the newest; `lts/*` and named LTS lines cannot be resolved offline
 * and are noted), `.node-version`, `.tool-versions` (asdf: `nodejs X`), `engines.node`;
 * the package manager from `packageManager` (Corepack's `name@version[+hash]`), then
 * `engines.npm|pnpm|yarn`, then the lockfile's format (`pnpm-lock.yaml` lockfileVersion
 * 9 → pnpm 9, 6 → pnpm 8, 5.x → pnpm 7; a Berry `yarn.lock` with `__metadata` → yarn ≥2).
 * An npm lockfile gives no version (every npm since 7 reads all three formats).
 * Unreadable values are noted, not fatal. Pure.
 */
export function toolchainRequest(files: ToolchainFiles): { request: ToolchainRequest; notes: string[] } {
  const notes: string[] = [];
  const request: ToolchainRequest = {};
  let pkg: Record<string, unknown> = {};
  if (files.packageJson !== undefined) {
    try {
      const v: unknown = JSON.parse(files.packageJson);
      if (v && typeof v === 'object') pkg = v as Record<string, unknown>;
    } catch {
      notes.push('package.json is not JSON: its engines and packageManager are not read');
    }
  }
  const engines = (pkg.engines && typeof pkg.engines === 'object' ? pkg.engines : {}) as Record<string, unknown>;

  const nodeCandidates: Array<[string, string | undefined]> = [
    ['.nvmrc', firstLine(files.nvmrc)],
    ['.node-version', firstLine(files.nodeVersion)],
    ['.tool-versions', /^\s*nodejs\s+(\S+)/m.exec(files.toolVersions ?? '')?.[1]],
    ['package.json engines.node', typeof engines.node === 'string' ? engines.node : undefined],
  ];
  for (const [source, raw] of nodeCandidates) {
    if (!raw) continue;
    const range = nodeRange(raw);
    if (range) {
      request.node = { range, source };
      break;
    }
    notes.push(`${source}: ${JSON.stringify(raw)} is not a version Shopfloor can resolve offline; the image's Node.js is kept`);
  }

  const pm = typeof pkg.packageManager === 'string' ? /^(npm|pnpm|yarn)@([^+\s]+)/.exec(pkg.packageManager) : null;
  if (pm && semver.validRange(pm[2]!)) request.packageManager = { name: pm[1] as 'npm' | 'pnpm' | 'yarn', range: pm[2]!, source: 'package.json packageManager' };
  else {
    if (typeof pkg.packageManager === 'string') notes.push(`package.json packageManager ${JSON.stringify(pkg.packageManager)} is not name@version of npm, pnpm or yarn`);
    for (const name of ['pnpm', 'yarn', 'npm'] as const) {
      const r = engines[name];
      if (typeof r === 'string' && semver.validRange(r)) {
        request.packageManager = { name, range: r, source: `package.json engines.${name}` };
        break;
      }
    }
  }
  if (!request.packageManager && files.pnpmLock !== undefined) {
    const v = /^lockfileVersion:\s*['"]?([\d.]+)/m.exec(files.pnpmLock)?.[1];
    const major = v ? Number(v.split('.')[0]) : undefined;
    const range = major === undefined ? undefined : major >= 9 ? '9' : major === 6 ? '8' : major === 5 ? '7' : undefined;
    if (range) request.packageManager = { name: 'pnpm', range, source: `pnpm-lock.yaml lockfileVersion ${v}` };
  }
  if (!request.packageManager && files.yarnLock !== undefined && /^__metadata:/m.test(files.yarnLock)) request.packageManager = { name: 'yarn', range: '>=2', source: 'yarn.lock (Berry format)' };
  return { request, notes };
}

/** A semver range for an nvm-style or engines-style Node.js version; undefined when it is an alias that needs the release index. */
function nodeRange(raw: string): string | undefined {
  const v = raw.trim().replace(/^v(?=\d)/, '');
  if (v === 'node' || v === 'stable' || v === 'latest') return '*';
  if (/^lts\//.test(v) || v === 'system' || v === 'iojs') return undefined;
  return semver.validRange(v) ? v : undefined;
}

function firstLine(text: string | undefined): string | undefined {
  return text?.split(/\r?\n/).map((l) => l.replace(/#.*/, '').trim()).find(Boolean);
}

/**
 * The npm release line that goes with each Node.js line when the repository names none
 * (the npm each Node.js line ships, nodejs.org/en/about/previous-releases), newest first:
 * Node 18 and later npm 10, Node 16 npm 8, older npm 6.
 */
export const NPM_FOR_NODE: ReadonlyArray<readonly [nodeMajorAtLeast: number, npmLine: string]> = [
  [18, '10'],
  [16, '8'],
  [0, '6'],
];

/** The npm line of NPM_FOR_NODE for a Node.js version (`v20.11.1`, `20`). */
export function npmForNode(nodeVersion: string): string {
  const major = semver.major(semver.coerce(nodeVersion) ?? '0.0.0');
  return NPM_FOR_NODE.find(([min]) => major >= min)![1];
}

/** True when `version` (e.g. `v18.20.4`) satisfies `range`. */
export function versionSatisfies(version: string, range: string): boolean {
  const v = semver.coerce(version);
  return !!v && semver.satisfies(v, range, { includePrerelease: false });
}
