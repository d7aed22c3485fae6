// Packages dist/shopfloor.vsix with only what runs (style.md "Build"): the production
// bundles, media, schemas and docs (.vscodeignore), plus the node_modules closure of the
// packages that stay external to the bundle (dockerode loads files relative to its own
// folder at run time; ssh2 has optional native parts). The closure is computed from the
// installed package.json files, so it follows version changes without a hand-kept list.
// Usage: node scripts/package.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

// @devcontainers/cli (MIT, ~2 MB, no dependencies): its entry script is run as a process to build features.
const ROOTS = ['dockerode', '@devcontainers/cli'];
/** Needed only to build or type-check, never at run time. */
const BUILD_ONLY = new Set(['@types/node', 'undici-types', 'nan', 'buildcheck']);

/** Resolves `name` as Node would from the package folder `from` (nested node_modules first). */
function resolvePkg(name, from) {
  let dir = from;
  for (;;) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

const seen = new Set();
function walk(pkgDir) {
  if (seen.has(pkgDir)) return;
  seen.add(pkgDir);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  for (const dep of Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies })) {
    if (BUILD_ONLY.has(dep)) continue;
    const d = resolvePkg(dep, pkgDir);
    if (d) walk(d); // optional dependencies that are not installed are skipped
  }
}
for (const r of ROOTS) {
  const d = resolvePkg(r, process.cwd());
  if (!d) throw new Error(`${r} is not installed: run npm ci`);
  walk(d);
}

const rel = [...seen].map((d) => d.slice(process.cwd().length + 1).split('\\').join('/')).sort();
mkdirSync('.cache', { recursive: true });
const ignore = `${readFileSync('.vscodeignore', 'utf8')}\n# external runtime packages (scripts/package.mjs)\n${rel.map((p) => `!${p}/**`).join('\n')}\n${rel.map((p) => `${p}/**/*.md\n${p}/**/*.d.ts\n${p}/**/*.map`).join('\n')}\n`;
writeFileSync('.cache/vscodeignore', ignore);
execFileSync('node', ['scripts/build.mjs', '--production'], { stdio: 'inherit' });
execFileSync('npx', ['vsce', 'package', '--ignoreFile', '.cache/vscodeignore', '--out', 'dist/shopfloor.vsix'], { stdio: 'inherit' });
console.log(`shipped ${rel.length} external runtime packages: ${rel.map((p) => p.replace(/^.*node_modules\//, '')).join(', ')}`);
