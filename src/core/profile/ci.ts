import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';
import { DetectContext } from './context';
import { basename } from './text';
import type { CiSystem, CommandKind } from './types';

/** Guesses what a CI command does from its words; undefined when it is none of setup/build/test/lint. */
export function classifyCommand(run: string): CommandKind | undefined {
  const r = run.toLowerCase();
  if (/\b(lint|eslint|prettier --check|flake8|ruff|pylint|rubocop|clippy|go vet|golangci|gofmt|phpcs|phpstan|checkstyle|spotlesscheck|mypy|tsc --noemit|typecheck|format --verify|fmt -- --check|fmt --check)\b/.test(r)) return 'lint';
  if (/\b(test|tests|prove|pytest|jest|mocha|vitest|rspec|phpunit|ctest|tox|nox|go test|cargo test|mvn\b.*\b(verify|test)|gradlew?\b.*\b(test|check))\b/.test(r)) return 'test';
  if (/\b(npm ci|npm install|yarn install|pnpm install|pip install|poetry install|uv sync|bundle install|composer install|go mod download|cargo fetch|dotnet restore|apt-get install|dependency:go-offline)\b/.test(r)) return 'setup';
  if (/\b(build|compile|make\b|assemble|package|cmake)\b/.test(r)) return 'build';
  return undefined;
}

function scalarText(n: unknown): string | undefined {
  return isScalar(n) && typeof n.value === 'string' ? n.value : undefined;
}

function lineOfNode(lc: LineCounter, n: YamlNode | null | undefined): number {
  return n?.range ? lc.linePos(n.range[0]).line : 1;
}

function parseYamlDoc(ctx: DetectContext, file: string): { doc: ReturnType<typeof parseDocument>; lc: LineCounter } | undefined {
  const text = ctx.text(file);
  if (text === undefined) return undefined;
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: false });
  if (doc.errors.length) {
    ctx.skip(file, `YAML error: ${doc.errors[0]!.message.split('\n')[0]}`);
    return undefined;
  }
  return { doc, lc };
}

function add(ctx: DetectContext, system: CiSystem, file: string, line: number, job: string | undefined, run: string): void {
  const kind = classifyCommand(run);
  ctx.ciCommands.push({ system, file, line, ...(job ? { job } : {}), run, ...(kind ? { kind } : {}) });
}

/** GitHub Actions: every `run:` step of every job. */
function githubActions(ctx: DetectContext): void {
  const files = ctx.matching(/\.ya?ml$/).filter((p) => p.startsWith('.github/workflows/'));
  for (const file of files) {
    ctx.ci.push({ system: 'github-actions', file });
    const parsed = parseYamlDoc(ctx, file);
    const jobs = parsed?.doc.get('jobs', true);
    if (!parsed || !isMap(jobs)) continue;
    for (const job of jobs.items) {
      const steps = isMap(job.value) ? job.value.get('steps', true) : undefined;
      if (!isSeq(steps)) continue;
      for (const step of steps.items) {
        if (!isMap(step)) continue;
        const runNode = step.get('run', true);
        const run = scalarText(runNode);
        if (run) add(ctx, 'github-actions', file, lineOfNode(parsed.lc, runNode as YamlNode), String(scalarText(job.key) ?? ''), run);
      }
    }
  }
}

const GITLAB_RESERVED = new Set(['stages', 'variables', 'default', 'include', 'workflow', 'image', 'services', 'cache', 'before_script', 'after_script', 'pages']);

/** GitLab CI: `script`/`before_script` lines of each job in .gitlab-ci.yml. */
function gitlab(ctx: DetectContext): void {
  const file = '.gitlab-ci.yml';
  if (!ctx.has(file)) return;
  ctx.ci.push({ system: 'gitlab-ci', file });
  const parsed = parseYamlDoc(ctx, file);
  const root = parsed?.doc.contents;
  if (!parsed || !isMap(root)) return;
  for (const item of root.items) {
    const name = scalarText(item.key);
    if (!name || name.startsWith('.') || GITLAB_RESERVED.has(name) || !isMap(item.value)) continue;
    for (const key of ['before_script', 'script']) {
      const s = item.value.get(key, true);
      const lines = isSeq(s) ? s.items : s ? [s] : [];
      for (const l of lines) {
        const run = scalarText(l);
        if (run) add(ctx, 'gitlab-ci', file, lineOfNode(parsed.lc, l as YamlNode), name, run);
      }
    }
  }
}

/** Jenkinsfile: `sh`/`bat` steps, single-, double- or triple-quoted. */
function jenkins(ctx: DetectContext): void {
  for (const file of ctx.named('Jenkinsfile').concat(ctx.matching(/^Jenkinsfile\..+$/)).slice(0, 10)) {
    ctx.ci.push({ system: 'jenkins', file });
    const text = ctx.text(file);
    if (text === undefined) continue;
    const re = /\b(?:sh|bat|pwsh)\s*(?:\(\s*(?:script\s*:\s*)?)?('''|"""|'|")([\s\S]*?)\1/g;
    let stage: string | undefined;
    const stages = [...text.matchAll(/stage\s*\(\s*['"]([^'"]+)['"]/g)];
    for (const m of text.matchAll(re)) {
      stage = stages.filter((s) => s.index! < m.index!).pop()?.[1];
      const line = text.slice(0, m.index).split('\n').length;
      for (const run of m[2]!.split('\n').map((s) => s.trim()).filter(Boolean)) add(ctx, 'jenkins', file, line, stage, run);
    }
  }
}

/** CircleCI: `run` steps (string or `{command}`) of each job in .circleci/config.yml. */
function circleci(ctx: DetectContext): void {
  const file = ['.circleci/config.yml', '.circleci/config.yaml'].find((f) => ctx.has(f));
  if (!file) return;
  ctx.ci.push({ system: 'circleci', file });
  const parsed = parseYamlDoc(ctx, file);
  const jobs = parsed?.doc.get('jobs', true);
  if (!parsed || !isMap(jobs)) return;
  for (const job of jobs.items) {
    const steps = isMap(job.value) ? job.value.get('steps', true) : undefined;
    if (!isSeq(steps)) continue;
    for (const step of steps.items) {
      if (!isMap(step)) continue;
      const r = step.get('run', true);
      const cmdNode = isMap(r) ? r.get('command', true) : r;
      const run = scalarText(cmdNode);
      if (run) add(ctx, 'circleci', file, lineOfNode(parsed.lc, cmdNode as YamlNode), scalarText(job.key), run);
    }
  }
}

/** Travis CI: `install`, `before_script` and `script` entries of .travis.yml (legacy repositories). */
function travis(ctx: DetectContext): void {
  const file = '.travis.yml';
  if (!ctx.has(file)) return;
  ctx.ci.push({ system: 'travis', file });
  const parsed = parseYamlDoc(ctx, file);
  const root = parsed?.doc.contents;
  if (!parsed || !isMap(root)) return;
  for (const key of ['install', 'before_script', 'script']) {
    const s = root.get(key, true);
    for (const l of isSeq(s) ? s.items : s ? [s] : []) {
      const run = scalarText(l);
      if (run) add(ctx, 'travis', file, lineOfNode(parsed.lc, l as YamlNode), key, run);
    }
  }
}

/** Reads every CI definition the repository tracks. */
export function detectCi(ctx: DetectContext): void {
  githubActions(ctx);
  gitlab(ctx);
  jenkins(ctx);
  circleci(ctx);
  travis(ctx);
}

/** Whether a path is one of the CI definitions this reader understands (so the profiler reads it). */
export function isCiFile(path: string): boolean {
  return (
    (/^\.github\/workflows\/[^/]+\.ya?ml$/.test(path)) ||
    path === '.gitlab-ci.yml' ||
    path === '.travis.yml' ||
    /^\.circleci\/config\.ya?ml$/.test(path) ||
    /^Jenkinsfile(\..+)?$/.test(basename(path))
  );
}
