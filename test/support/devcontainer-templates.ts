import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * The official Dev Container Templates (github.com/devcontainers/templates, MIT licence,
 * copied from commit c1ca13c of 2026-04-09; see test/data/devcontainer-templates/SOURCE.md):
 * only each template's `.devcontainer/` folder and its `devcontainer-template.json`.
 */
export const TEMPLATES_DIR = join(__dirname, '..', 'data', 'devcontainer-templates');

/** One template with its options applied as a user who accepts every default gets it. */
export interface TemplateCase {
  /** The template id, e.g. `javascript-node-postgres`. */
  id: string;
  /** Repository-relative path (POSIX) to file text, every `${templateOption:x}` replaced by the option's default. */
  files: Record<string, string>;
}

/**
 * Reads every template under TEMPLATES_DIR and substitutes `${templateOption:NAME}` with
 * the option's `default` from devcontainer-template.json (what `devcontainer templates
 * apply` does when no option is given). Throws when a referenced option has no default.
 * I/O: reads TEMPLATES_DIR.
 */
export function loadTemplates(): TemplateCase[] {
  return readdirSync(TEMPLATES_DIR)
    .filter((id) => statSync(join(TEMPLATES_DIR, id)).isDirectory())
    .sort()
    .map((id) => {
      const root = join(TEMPLATES_DIR, id);
      const meta = JSON.parse(readFileSync(join(root, 'devcontainer-template.json'), 'utf8')) as { options?: Record<string, { default?: unknown }> };
      const options = meta.options ?? {};
      const files: Record<string, string> = {};
      for (const abs of walk(join(root, '.devcontainer'))) {
        const text = readFileSync(abs, 'utf8').replace(/\$\{templateOption:([^}]+)\}/g, (_w, name: string) => {
          const d = options[name]?.default;
          if (d === undefined) throw new Error(`${id}: option ${name} has no default`);
          return String(d);
        });
        files[relative(root, abs).split('\\').join('/')] = text;
      }
      return { id, files };
    });
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
