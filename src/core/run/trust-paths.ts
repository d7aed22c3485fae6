/**
 * Trust hand-off paths (issue 9 item 11; design.md "Isolation and security defaults"):
 * files that, once the change lands, tell some other tool to run something or trust
 * something on the user's machine or in CI. A change to one is never shipped on a policy's
 * word: every blueprint treats them as risk paths, and a blueprint cannot take them off
 * its list (resolve.ts unions riskPaths; this list is added on top of whatever it says).
 *
 * - `.vscode/`: tasks.json, launch.json and settings.json name commands and interpreters
 *   the editor runs (VS Code "Workspace Trust" lists them as what restricted mode blocks).
 * - `.devcontainer/`, `.devcontainer.json`: images, features and lifecycle commands
 *   (containers.dev spec, "Lifecycle scripts").
 * - `.github/workflows/`, `.github/actions/`: CI jobs that run with the repository's secrets.
 * - `.shopfloor/`: blueprints and packets this product reads (a change could widen the next
 *   run's own walls).
 * - `.npmrc`, `.yarnrc`, `.yarnrc.yml`, `.pnpmfile.cjs`: registry, token and script settings of
 *   the package manager (npm docs "npmrc"; yarn "yarnrc"; pnpm ".pnpmfile.cjs" hooks).
 * - Git hooks managers: `.husky/`, `.githooks/`, `lefthook.yml`, `.pre-commit-config.yaml`,
 *   and `.gitattributes` / `.gitmodules` (filter drivers and submodule URLs).
 * - package.json `scripts` (npm docs "scripts": lifecycle scripts run on install, and `test`
 *   is what validation runs): found from the manifest's text, see changedScripts.
 */
export const TRUST_HANDOFF_PATHS: readonly string[] = [
  '.vscode',
  '.devcontainer',
  '.devcontainer.json',
  '.github/workflows',
  '.github/actions',
  '.shopfloor',
  '.npmrc',
  '.yarnrc',
  '.yarnrc.yml',
  '.pnpmfile.cjs',
  '.husky',
  '.githooks',
  'lefthook.yml',
  '.pre-commit-config.yaml',
  '.gitattributes',
  '.gitmodules',
];

/** A manifest whose `scripts` changed: its path and the script names added, removed or edited. */
export interface ScriptChange {
  readonly path: string;
  readonly scripts: readonly string[];
}

/**
 * Names of package.json `scripts` entries that differ between two texts of the manifest
 * (`undefined`: the file does not exist on that side). A text that is not a JSON object
 * counts as a change of every script (`['(unparsable manifest)']`), since what npm would run
 * can no longer be read. Pure.
 */
export function changedScripts(before: string | undefined, after: string | undefined): string[] {
  const a = scriptsOf(before);
  const b = scriptsOf(after);
  if (a === null || b === null) return ['(unparsable manifest)'];
  const names = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...names].filter((n) => a[n] !== b[n]).sort();
}

function scriptsOf(text: string | undefined): Record<string, unknown> | null {
  if (text === undefined) return {};
  try {
    const v: unknown = JSON.parse(text);
    if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
    const s = (v as { scripts?: unknown }).scripts;
    if (s === undefined) return {};
    if (!s || typeof s !== 'object' || Array.isArray(s)) return null;
    // Values compared as JSON so a non-string script is still compared by content.
    return Object.fromEntries(Object.entries(s).map(([k, x]) => [k, JSON.stringify(x)]));
  } catch {
    return null;
  }
}

/** True for a path whose base name is package.json (any folder: workspaces have their own scripts). */
export function isPackageManifest(path: string): boolean {
  return path === 'package.json' || path.endsWith('/package.json');
}
