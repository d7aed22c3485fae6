import type { CommandSpec } from '../../contracts';

/**
 * The production-only install that stands in for a failed full install, or undefined when
 * the command is not a JavaScript package manager's install Shopfloor knows a production
 * form of. Old packages often pin development tools to `*` or to versions whose
 * dependencies no longer resolve (issue 15: npm `ETARGET` on a dev dependency), while the
 * reproduction needs only the production dependencies.
 *
 * - `npm ci` / `npm install` / `npm i`: npm resolves development dependencies even with
 *   `--omit=dev` (its ideal tree always holds them), so the fallback hides
 *   `devDependencies` from package.json for the one install and puts the file back
 *   byte for byte afterwards, whatever the install did; `--no-package-lock` leaves the
 *   lockfile alone. A small `node -e` script does it, so no shell is involved.
 * - `yarn install` / `yarn`: `yarn install --production --ignore-optional` (yarn 1 skips
 *   development dependencies with its lockfile).
 * - `pnpm install` / `pnpm i`: `pnpm install --prod`.
 * Same cwd, env and timeout as the command it replaces. Pure.
 */
export function productionInstall(spec: CommandSpec): CommandSpec | undefined {
  const [tool, sub, ...rest] = spec.argv;
  const base = { cwd: spec.cwd, env: spec.env, timeoutSec: spec.timeoutSec };
  const describe = (what: string) => ({ ...base, description: `production dependencies only (${what} failed)` });
  if (tool === 'npm' && (sub === 'ci' || sub === 'install' || sub === 'i') && rest.every((a) => a.startsWith('-'))) {
    return { ...describe(spec.argv.join(' ')), argv: ['/bin/sh', '-c', NPM_PRODUCTION_SCRIPT] };
  }
  if (tool === 'yarn' && (sub === undefined || sub === 'install') && rest.every((a) => a.startsWith('-'))) return { ...describe(spec.argv.join(' ')), argv: ['yarn', 'install', '--production', '--ignore-optional'] };
  if (tool === 'pnpm' && (sub === 'install' || sub === 'i') && rest.every((a) => a.startsWith('-'))) return { ...describe(spec.argv.join(' ')), argv: ['pnpm', 'install', '--prod'] };
  return undefined;
}

/**
 * See productionInstall: npm install of the production dependencies with devDependencies
 * hidden (`npm pkg delete`, npm 7.20 and later), package.json copied back whatever the
 * install did. Run by the container's own /bin/sh (the station's shell, as lifecycle commands are).
 */
const NPM_PRODUCTION_SCRIPT = [
  'keep="${TMPDIR:-/tmp}/shopfloor-package.json.$$"',
  'cp package.json "$keep" || exit 1',
  'npm pkg delete devDependencies && npm install --omit=dev --no-package-lock --no-audit --no-fund',
  'code=$?',
  'cp "$keep" package.json && rm -f "$keep"',
  'exit $code',
].join('\n');
