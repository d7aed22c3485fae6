import type { RepositoryReader, TrackedFile } from './port';
import { DetectContext, VENDORED, depth, fromRepo } from './context';
import { detectCi, isCiFile } from './ci';
import { AGENT_DOCS, CODEOWNERS_FILES, CONTRIBUTOR_DOCS, DEVCONTAINER_FILES, detectDevcontainer, detectDocCommands, detectTestDirs, detectTestFiles, parseCodeowners } from './docs';
import { FileIndex, indexFiles } from './file-index';
import { assessReadiness } from './readiness';
import { argvOf } from './text';
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

const OTHER_FILES = [...OTHER];
const PROJ = /\.(csproj|fsproj|vbproj)$/;

/**
 * Which tracked files the profiler reads: manifests (bounded, shallowest first), CI, docs.
 * Works from the index's base names, so its cost follows the number of distinct names,
 * not of files.
 */
export function filesToRead(files: readonly TrackedFile[] | FileIndex, maxManifests: number): string[] {
  const idx = files instanceof FileIndex ? files : indexFiles(files);
  const manifests: string[] = [];
  const other = new Set<string>();
  for (const [b, list] of idx.byBase) {
    if (MANIFEST_NAMES.has(b) || PROJ.test(b) || b.endsWith('.sln')) {
      for (const p of list) if (!VENDORED.test(p)) manifests.push(p);
    } else if (b === 'dev.txt' || b === 'test.txt') {
      for (const p of list) if (p === 'requirements/dev.txt' || p === 'requirements/test.txt') manifests.push(p);
    } else if (b.startsWith('Jenkinsfile') || b.endsWith('.yml') || b.endsWith('.yaml')) {
      for (const p of list) if (isCiFile(p)) other.add(p);
    }
  }
  for (const p of OTHER_FILES) if (idx.has(p)) other.add(p);
  for (const p of idx.byBase.get('devcontainer.json') ?? []) if (/^\.devcontainer\/[^/]+\/devcontainer\.json$/.test(p)) other.add(p);
  manifests.sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  // Git order, as the file list has it.
  return [...manifests.slice(0, maxManifests), ...[...other].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))];
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
  // Symlinks and submodules are never manifests: they are not read, so they do not count as present.
  const idx = indexFiles(files);
  const wanted = filesToRead(idx, opts.maxManifests ?? 400);
  const read = await reader.readFiles(wanted, { maxBytes });
  const texts = new Map<string, string>();
  const ctx0Skipped: { path: string; reason: string }[] = [];
  for (const [p, r] of read) {
    if ('text' in r) texts.set(p, r.text);
    else ctx0Skipped.push({ path: p, reason: r.skipped + (r.bytes ? ` (${r.bytes} bytes)` : '') });
  }
  return profileFromTexts(idx, texts, head, ctx0Skipped);
}

/** The pure part of profiling, over an already-read file list and texts. */
export function profileFromTexts(
  files: readonly TrackedFile[] | FileIndex,
  texts: ReadonlyMap<string, string>,
  head: string | undefined,
  skipped: { path: string; reason: string }[] = [],
): RepoProfile {
  const idx = files instanceof FileIndex ? files : indexFiles(files);
  const ctx = new DetectContext(idx, texts);
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
  const agentDocs = AGENT_DOCS.filter((d) => idx.has(d));
  const contributorDocs = CONTRIBUTOR_DOCS.filter((d) => idx.has(d));
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
    files: { tracked: idx.files.length, symlinks: idx.symlinks, submodules: idx.submodules },
    languages: idx.languages(),
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
    testFiles: detectTestFiles(ctx),
    skipped: ctx.skipped,
  };
  return { ...base, readiness: assessReadiness(base) };
}
