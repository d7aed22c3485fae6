import { DetectContext, fromRepo } from './context';
import { classifyCommand } from './ci';
import { argvOf, parseJsonLoose, lineAt } from './text';
import type { Codeowners, CodeownersRule, DevcontainerInfo } from './types';

export const AGENT_DOCS = ['AGENTS.md', 'CLAUDE.md', '.github/copilot-instructions.md', 'GEMINI.md', '.cursorrules'];
export const CONTRIBUTOR_DOCS = ['CONTRIBUTING.md', 'CONTRIBUTING.rst', 'CONTRIBUTING.txt', 'CONTRIBUTING', '.github/CONTRIBUTING.md', 'docs/CONTRIBUTING.md', 'HACKING.md', 'DEVELOPMENT.md'];
export const CODEOWNERS_FILES = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS', '.gitlab/CODEOWNERS'];
export const DEVCONTAINER_FILES = ['.devcontainer/devcontainer.json', '.devcontainer.json'];

/** devcontainer.json (first of the standard places, else `.devcontainer/<name>/devcontainer.json`). */
export function detectDevcontainer(ctx: DetectContext): DevcontainerInfo | undefined {
  const path = DEVCONTAINER_FILES.find((f) => ctx.has(f)) ?? ctx.named('devcontainer.json').find((p) => /^\.devcontainer\/[^/]+\/devcontainer\.json$/.test(p));
  if (!path) return undefined;
  const text = ctx.text(path);
  const json = (text === undefined ? undefined : parseJsonLoose(text)) as { image?: string; build?: { dockerfile?: string }; dockerFile?: string; initializeCommand?: unknown } | undefined;
  if (text !== undefined && !json) ctx.skip(path, 'not valid JSONC');
  return {
    path,
    ...(typeof json?.image === 'string' ? { image: json.image } : {}),
    ...(json?.build?.dockerfile ?? json?.dockerFile ? { dockerfile: String(json?.build?.dockerfile ?? json?.dockerFile) } : {}),
    hasInitializeCommand: json?.initializeCommand !== undefined,
  };
}

/** CODEOWNERS rules in file order (the last matching rule wins, as on GitHub). */
export function parseCodeowners(path: string, text: string): Codeowners {
  const rules: CodeownersRule[] = [];
  text.split(/\r?\n/).forEach((l, i) => {
    const t = l.replace(/\s#.*$/, '').trim();
    if (!t || t.startsWith('#') || t.startsWith('[')) return;
    const [pattern, ...owners] = t.split(/\s+/);
    rules.push({ pattern: pattern!, owners, line: i + 1 });
  });
  return { path, rules };
}

/** A CODEOWNERS pattern as a RegExp over repository-relative paths (gitignore-style subset). */
export function codeownersRegExp(pattern: string): RegExp {
  let p = pattern;
  const anchored = p.startsWith('/') || p.slice(0, -1).includes('/');
  p = p.replace(/^\//, '');
  const dirOnly = p.endsWith('/');
  p = p.replace(/\/$/, '');
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*' && p[i + 1] === '*') {
      re += '.*';
      i++;
      if (p[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${anchored ? '^' : '(^|/)'}${re}${dirOnly ? '/' : '(/|$)'}`);
}

/** Owners of `path` by the last matching rule; empty when none matches. */
export function ownersOf(co: Codeowners | undefined, path: string): { owners: readonly string[]; rule?: CodeownersRule } {
  if (!co) return { owners: [] };
  for (let i = co.rules.length - 1; i >= 0; i--) {
    const r = co.rules[i]!;
    if (codeownersRegExp(r.pattern).test(path)) return { owners: r.owners, rule: r };
  }
  return { owners: [] };
}

const TOOL_WORD = /^(\$\s*)?(npm|npx|yarn|pnpm|make|pytest|python3?|tox|go|cargo|mvn|\.\/mvnw|gradle|\.\/gradlew|dotnet|bundle|rake|rspec|composer|vendor\/bin\/phpunit|ctest|cmake|uv|poetry)\b/;

/** Commands in fenced shell blocks of agent/contributor docs, e.g. "```sh\nnpm test\n```". */
export function detectDocCommands(ctx: DetectContext, docs: readonly string[]): void {
  for (const file of docs) {
    const text = ctx.text(file);
    if (text === undefined) continue;
    for (const m of text.matchAll(/```(?:sh|bash|shell|console|zsh)?\s*\n([\s\S]*?)```/g)) {
      let offset = m.index! + m[0].indexOf('\n') + 1;
      for (const raw of m[1]!.split('\n')) {
        const line = raw.trim();
        const tool = TOOL_WORD.exec(line);
        const kind = tool ? classifyCommand(line) : undefined;
        if (tool && kind) {
          const cmd = line.replace(/^\$\s*/, '').replace(/\s+#.*$/, '');
          ctx.command(kind, 'docs', argvOf(cmd), fromRepo(file, lineAt(text, offset), `documented in ${file}`));
        }
        offset += raw.length + 1;
      }
    }
  }
}

const TEST_DIR = /^(test|tests|__tests__|spec|specs|testing|e2e|integration-tests|src\/test)$/;

/** Folders that hold tests (by conventional name), shallowest first, at most 50. */
export function detectTestDirs(ctx: DetectContext): string[] {
  const out: string[] = [];
  for (const d of ctx.allDirs()) {
    const last = d.slice(d.lastIndexOf('/') + 1);
    if ((TEST_DIR.test(last) || d.endsWith('src/test')) && !/node_modules|vendor\//.test(d)) out.push(d);
  }
  return out.sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b)).slice(0, 50);
}


/**
 * Base names of test files by convention: `test.js`, `tests.py`, `foo.test.ts`, `foo.spec.js`,
 * `foo_test.go`, `test_foo.py`, `FooTest.java`, `foo_spec.rb`, `FooTests.cs`.
 */
const TEST_FILE = /^(tests?|spec)\.[a-z]+$|[._-](test|spec)s?\.[a-z]+$|^test_.+\.py$|(Test|Tests|Spec|IT)\.(java|kt|scala|cs|groovy)$/;

/** Tracked files that look like tests by name (outside vendored folders), shallowest first, at most 50. */
export function detectTestFiles(ctx: DetectContext): string[] {
  return ctx.matching(TEST_FILE).filter((p) => !/node_modules\//.test(p)).slice(0, 50);
}
