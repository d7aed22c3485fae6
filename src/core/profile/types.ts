import type { CommandSpec, Provenance } from '../../contracts';

/** Ecosystems whose own manifests the profiler reads. */
export const ECOSYSTEMS = ['npm', 'yarn', 'pnpm', 'maven', 'gradle', 'make', 'cmake', 'go', 'python', 'cargo', 'dotnet', 'ruby', 'php'] as const;
export type Ecosystem = (typeof ECOSYSTEMS)[number];

/** What a command is for: `setup` installs dependencies (the run engine's set-up station). */
export type CommandKind = 'setup' | 'build' | 'test' | 'lint';

/** A command found in the repository, an argv with the file and line it came from. */
export interface DetectedCommand extends CommandSpec {
  readonly kind: CommandKind;
  /** Where it came from: a manifest's ecosystem, a CI system, or agent/contributor docs. */
  readonly from: Ecosystem | CiSystem | 'docs';
  readonly origin: Provenance;
}

export type CiSystem = 'github-actions' | 'gitlab-ci' | 'jenkins' | 'circleci' | 'travis';

/** A command a CI definition runs, verbatim (shell text), with its file and line. */
export interface CiCommand {
  readonly system: CiSystem;
  readonly file: string;
  readonly line: number;
  readonly job?: string;
  /** The shell text CI runs. */
  readonly run: string;
  /** Best guess of what it does, from the command words; undefined when unclear. */
  readonly kind?: CommandKind;
}

export interface Manifest {
  readonly ecosystem: Ecosystem;
  readonly path: string;
}

/** A monorepo workspace: the file declaring it and the member folders it resolves to. */
export interface Workspace {
  readonly tool: 'npm' | 'yarn' | 'pnpm' | 'lerna' | 'cargo' | 'go' | 'maven' | 'gradle' | 'dotnet';
  readonly file: string;
  readonly members: readonly string[];
}

/** A package this repository publishes: its name (as users and advisories call it) and entry file. */
export interface PackageInfo {
  readonly name: string;
  readonly ecosystem: Ecosystem;
  readonly manifest: string;
  /** Entry file (package.json `main`, the crate's lib.rs, the Python package's __init__.py), when found. */
  readonly entry?: string;
}

export interface LanguageShare {
  readonly language: string;
  readonly files: number;
  /** Share of recognised source files, 0..1. */
  readonly share: number;
}

export interface DevcontainerInfo {
  readonly path: string;
  readonly image?: string;
  readonly dockerfile?: string;
  /** Present in the file; Shopfloor never runs it (design.md "Isolation"). */
  readonly hasInitializeCommand: boolean;
}

export interface CodeownersRule {
  readonly pattern: string;
  readonly owners: readonly string[];
  readonly line: number;
}

export interface Codeowners {
  readonly path: string;
  readonly rules: readonly CodeownersRule[];
}

export type ReadinessCheckId = 'runnable-tests' | 'setup' | 'ci' | 'devcontainer' | 'agent-docs' | 'codeowners' | 'lint';

export interface ReadinessCheck {
  readonly id: ReadinessCheckId;
  readonly ok: boolean;
  readonly detail: string;
}

/** How ready the repository is for factory work, and which blueprint pattern suits it. */
export interface Readiness {
  /** 0..100, weighted sum of the checks. */
  readonly score: number;
  readonly checks: readonly ReadinessCheck[];
  readonly pattern: 'interactive' | 'unattended';
  readonly reasons: readonly string[];
}

/** What the profiler found in a repository. Pure data; JSON-serialisable. */
export interface RepoProfile {
  readonly head?: string;
  readonly files: {
    readonly tracked: number;
    readonly symlinks: number;
    readonly submodules: number;
  };
  readonly languages: readonly LanguageShare[];
  readonly ecosystems: readonly Ecosystem[];
  readonly manifests: readonly Manifest[];
  readonly workspaces: readonly Workspace[];
  /** Packages the repository publishes (root and workspace members), e.g. for matching an advisory's package name. */
  readonly packages: readonly PackageInfo[];
  /** Install commands, e.g. `npm ci`: the run engine's set-up station. */
  readonly setupCommands: readonly DetectedCommand[];
  readonly buildCommands: readonly DetectedCommand[];
  readonly testCommands: readonly DetectedCommand[];
  readonly lintCommands: readonly DetectedCommand[];
  readonly ci: readonly { readonly system: CiSystem; readonly file: string }[];
  readonly ciCommands: readonly CiCommand[];
  readonly devcontainer?: DevcontainerInfo;
  readonly agentDocs: readonly string[];
  readonly contributorDocs: readonly string[];
  readonly codeowners?: Codeowners;
  readonly testDirs: readonly string[];
  /** Tracked files named like tests (`*.test.js`, `test_*.py`, `*_test.go`...), shallowest first, at most 50. */
  readonly testFiles: readonly string[];
  /** Files the profiler wanted but did not read (too large, symlink...), with why. */
  readonly skipped: readonly { readonly path: string; readonly reason: string }[];
  readonly readiness: Readiness;
}
