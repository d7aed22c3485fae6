import type { RepositoryReader, TrackedFile } from './port';
import { DetectContext, VENDORED, depth, fromRepo } from './context';
import { detectCi, isCiFile } from './ci';
import { AGENT_DOCS, CODEOWNERS_FILES, CONTRIBUTOR_DOCS, DEVCONTAINER_FILES, detectDevcontainer, detectDocCommands, detectTestDirs, parseCodeowners } from './docs';
import { languageShares } from './languages';
import { assessReadiness } from './readiness';
import { argvOf, basename } from './text';
import { detectNode } from './ecosystems/node';
import { detectGradle, detectMaven } from './ecosystems/jvm';
import { detectCmake, detectMake } from './ecosystems/native';
import { detectGo } from './ecosystems/go';
import { PYTHON_FILES, detectPython } from './ecosystems/python';
import { detectCargo } from './ecosystems/cargo';
import { detectDotnet } from './ecosystems/dotnet';
import { detectRuby } from './ecosystems/ruby';
import { detectPhp } from './ecosystems/php';
import type { DetectedCommand, Ecosystem, RepoProfile } from './types';

export interface ProfileOptions {
  /** Largest file read, bytes (default 256 KiB); larger manifests are listed as skipped. */
  readonly maxBytes?: number;
  /** Most manifests read (shallowest first; default 400), so monorepos with thousands stay bounded. */
  readonly maxManifests?: number;
}

/** Base names of manifests whose content the readers use (lockfiles are only checked for presence). */
export const MANIFEST_NAMES = new Set([
  'package.json', 'pnpm-workspace.yaml', 'lerna.json',
  'pom.xml', 'build.gradle', 'build.gradle.kts', 'settings.gradle', 'settings.gradle.kts', 'gradle-wrapper.properties',
  'Makefile', 'makefile', 'GNUmakefile', 'CMakeLists.txt',
  'go.mod', 'go.work', 'Cargo.toml',
  'Gemfile', 'Rakefile', 'rakefile', 'composer.json',
  ...PYTHON_FILES.filter((f) => !f.includes('/')),
]);

const OTHER = new Set([...AGENT_DOCS, ...CONTRIBUTOR_DOCS, ...CODEOWNERS_FILES, ...DEVCONTAINER_FILES]);

/** Which tracked files the profiler reads: manifests (bounded, shallowest first), CI, docs. */
export function filesToRead(files: readonly TrackedFile[], maxManifests: number): string[] {
  const manifests: string[] = [];
  const other: string[] = [];
  for (const f of files) {
    if (f.mode === 'symlink' || f.mode === 'submodule') continue;
    const p = f.path;
    const b = basename(p);
    // Cheap tests first: this loop sees every tracked file.
    if (MANIFEST_NAMES.has(b) || (b.endsWith('proj') && /\.(csproj|fsproj|vbproj)$/.test(b)) || b.endsWith('.sln') || p === 'requirements/dev.txt' || p === 'requirements/test.txt') {
      if (!VENDORED.test(p)) manifests.push(p);
    } else if ((p.charCodeAt(0) === 46 || !p.includes('/') || b.startsWith('Jenkinsfile') || b === 'CODEOWNERS' || b === 'CONTRIBUTING.md') && (isCiFile(p) || OTHER.has(p) || /^\.devcontainer\/[^/]+\/devcontainer\.json$/.test(p))) {
      other.push(p);
    }
  }
  manifests.sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  return [...manifests.slice(0, maxManifests), ...other];
}

/**
 * Profiles a repository through the read-only port: languages and size, build/test/lint/
 * set-up commands from each ecosystem's manifests, CI commands, devcontainer, agent and
 * contributor docs, CODEOWNERS, test folders and a readiness assessment. Reads only tracked
 * files, each at most `maxBytes`; never runs anything.
 */
export async function profileRepository(reader: RepositoryReader, opts: ProfileOptions = {}): Promise<RepoProfile> {
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const [files, head] = await Promise.all([reader.listFiles(), reader.headCommit()]);
  const wanted = filesToRead(files, opts.maxManifests ?? 400);
  const read = await reader.readFiles(wanted, { maxBytes });
  const texts = new Map<string, string>();
  const ctx0Skipped: { path: string; reason: string }[] = [];
  for (const [p, r] of read) {
    if ('text' in r) texts.set(p, r.text);
    else ctx0Skipped.push({ path: p, reason: r.skipped + (r.bytes ? ` (${r.bytes} bytes)` : '') });
  }
  // Symlinks and submodules are never manifests: they are not read, so they do not count as present.
  const paths = new Set<string>(files.filter((f) => f.mode !== 'symlink' && f.mode !== 'submodule').map((f) => f.path));
  return profileFromTexts(files, paths, texts, head, ctx0Skipped);
}

/** The pure part of profiling, over an already-read file list and texts. */
export function profileFromTexts(
  files: readonly TrackedFile[],
  paths: ReadonlySet<string>,
  texts: ReadonlyMap<string, string>,
  head: string | undefined,
  skipped: { path: string; reason: string }[] = [],
): RepoProfile {
  const ctx = new DetectContext(files, paths, texts);
  ctx.skipped.push(...skipped);
  detectNode(ctx);
  detectMaven(ctx);
  detectGradle(ctx);
  detectMake(ctx);
  detectCmake(ctx);
  detectGo(ctx);
  detectPython(ctx);
  detectCargo(ctx);
  detectDotnet(ctx);
  detectRuby(ctx);
  detectPhp(ctx);
  detectCi(ctx);
  const agentDocs = AGENT_DOCS.filter((d) => paths.has(d));
  const contributorDocs = CONTRIBUTOR_DOCS.filter((d) => paths.has(d));
  detectDocCommands(ctx, [...agentDocs, ...contributorDocs]);

  const of = (kind: DetectedCommand['kind']) => ctx.commands.filter((c) => c.kind === kind);
  let testCommands = of('test');
  // Legacy repositories: when no manifest says how to test, CI is the truthful record.
  if (!testCommands.some((c) => c.from !== 'docs')) {
    for (const c of ctx.ciCommands.filter((x) => x.kind === 'test').slice(0, 5)) {
      ctx.command('test', c.system, argvOf(c.run.split('\n').filter((l) => l.trim()).join(' && ')), fromRepo(c.file, c.line, `CI ${c.system}${c.job ? ` job ${c.job}` : ''} runs it`));
    }
    testCommands = of('test');
  }
  const coFile = CODEOWNERS_FILES.find((f) => texts.has(f));
  const devcontainer = detectDevcontainer(ctx);
  const ecosystems = [...new Set(ctx.manifests.map((m) => m.ecosystem))] as Ecosystem[];
  const base: Omit<RepoProfile, 'readiness'> = {
    ...(head ? { head } : {}),
    files: { tracked: files.length, symlinks: count(files, 'symlink'), submodules: count(files, 'submodule') },
    languages: languageShares(paths),
    ecosystems,
    manifests: ctx.manifests,
    workspaces: ctx.workspaces,
    packages: ctx.packages,
    setupCommands: of('setup'),
    buildCommands: of('build'),
    testCommands,
    lintCommands: of('lint'),
    ci: ctx.ci,
    ciCommands: ctx.ciCommands,
    ...(devcontainer ? { devcontainer } : {}),
    agentDocs,
    contributorDocs,
    ...(coFile ? { codeowners: parseCodeowners(coFile, texts.get(coFile)!) } : {}),
    testDirs: detectTestDirs(ctx),
    skipped: ctx.skipped,
  };
  return { ...base, readiness: assessReadiness(base) };
}

function count(files: readonly TrackedFile[], mode: TrackedFile['mode']): number {
  let n = 0;
  for (const f of files) if (f.mode === mode) n++;
  return n;
}
