import * as fs from 'node:fs';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { RunSetupSchema, type Blueprint, type BlueprintSource, type RunSetup, type TaskPacket } from '../contracts';
import { BUILTIN_BLUEPRINTS, defaultBlueprint, lookupIn, profileFacts, resolveBlueprint, sortRepositoryBlueprints, type RepositoryBlueprintFile } from '../core/blueprints';
import { parseDocument } from '../core/documents/load';
import { profileRepository } from '../core/profile/profile';
import { RUN_LAYOUT } from '../core/run/layout';
import type { ArtifactStore, ProfileFacts } from '../core/run/ports';
import { parseRunFile } from '../core/run/run-file';
import { GitRepoReader } from '../adapters/git/repo-reader';

/** Where stations run: `docker` (isolated devcontainers, the default) or `local` (this machine, no isolation; tests only). */
export type EnvironmentKind = RunSetup['environment'];

export type { RunSetup };

/** How a fresh run is set up (stored with it, so a resume runs the same way). */
export interface RunOptions {
  /** A blueprint name or file; empty: the built-in the packet calls for. */
  blueprint?: string;
  unattended: boolean;
  environment: EnvironmentKind;
  /** Command for agent stations that name none (a JSON array or whitespace-separated words). */
  agentCommand?: string;
  /** Holdout root for verifier scenarios (default ~/.shopfloor/holdout). */
  holdout?: string;
  /** Profile the repository for set-up commands (`--no-setup` turns it off). */
  profile: boolean;
}

/**
 * Loads and resolves the run's blueprint: a file path, or a name among the built-ins and
 * the repository's usable `.shopfloor/blueprints/*` (sortRepositoryBlueprints: a repository
 * blueprint never replaces a built-in, and a malformed one is skipped and reported, not
 * fatal). With no name, the built-in the packet calls for (defaultBlueprint); a repository
 * blueprint runs only when chosen by name. Forks are merged over their parent.
 * I/O: reads the blueprint folder and the named file. Throws ValidationError (with field
 * paths) for a malformed chosen file, Error for an unknown or refused name.
 */
export function loadBlueprint(ref: string, packet: TaskPacket, repo: string): LoadedBlueprint {
  const dir = join(repo, '.shopfloor', 'blueprints');
  const files: RepositoryBlueprintFile[] = [];
  if (fs.existsSync(dir))
    for (const f of fs.readdirSync(dir).filter((n) => /\.(json|ya?ml)$/.test(n)).sort()) {
      const rel = `.shopfloor/blueprints/${f}`;
      try {
        files.push({ file: rel, blueprint: parseDocument('blueprint', rel, fs.readFileSync(join(dir, f), 'utf8')) });
      } catch (e) {
        files.push({ file: rel, error: (e as Error).message });
      }
    }
  const sorted = sortRepositoryBlueprints(files);
  const lookup = lookupIn(sorted.usable.map((u) => u.blueprint));
  const looksLikePath = isAbsolute(ref) || ref.includes('/') || /\.(json|ya?ml)$/.test(ref);
  // A relative path is taken from the working directory (the CLI) or else from the repository
  // (the editor, whose working directory is not the repository).
  const asFile = looksLikePath ? ([resolve(ref), resolve(repo, ref)].find((p) => existsSync(p)) ?? resolve(repo, ref)) : undefined;
  if (asFile) {
    const bp = parseDocument('blueprint', asFile, fs.readFileSync(asFile, 'utf8'));
    const inRepo = relative(repo, asFile);
    const fromRepo = !inRepo.startsWith('..') && !isAbsolute(inRepo);
    if (fromRepo) {
      const [refused] = sortRepositoryBlueprints([{ file: inRepo, blueprint: bp }]).refused;
      if (refused) throw new Error(`blueprint ${inRepo} is refused: ${refused.reason}`);
    }
    return { blueprint: resolveBlueprint(bp, lookup), source: { kind: fromRepo ? 'repository' : 'file', file: fromRepo ? inRepo : asFile, tier: bp.tier }, refused: sorted.refused };
  }
  const name = ref || defaultBlueprint(packet);
  const refusedByName = sorted.refused.find((r) => files.some((f) => f.file === r.file && 'blueprint' in f && (f.blueprint.name === name.split('@')[0] || `${f.blueprint.name}@${f.blueprint.version}` === name)));
  const bp = lookup(name);
  if (!bp) throw new Error(`no blueprint named ${name}; built-ins: ${BUILTIN_BLUEPRINTS.map((b) => b.name).join(', ')}${refusedByName ? ` (${refusedByName.file} was refused: ${refusedByName.reason})` : ''}`);
  const own = sorted.usable.find((u) => u.blueprint === bp);
  return { blueprint: resolveBlueprint(bp, lookup), source: own ? { kind: 'repository', file: own.file, tier: bp.tier } : { kind: 'builtin', tier: bp.tier }, refused: sorted.refused };
}

/** A resolved blueprint, where it came from, and the repository blueprints that were refused (shown to the user). */
export interface LoadedBlueprint {
  blueprint: Blueprint;
  source: BlueprintSource;
  refused: Array<{ file: string; reason: string }>;
}

/**
 * Finds a verifier's holdout scenarios: an absolute path, or a path under the holdout
 * folder. Scenarios inside the repository are refused: the implementing station could see them.
 */
export function scenariosResolver(repo: string, holdout: string | undefined): (ref: string) => string | undefined {
  return (ref) => {
    const p = isAbsolute(ref) ? ref : resolve(holdout ?? defaultHoldoutRoot(), ref);
    const rel = relative(repo, p);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return undefined;
    return fs.existsSync(p) ? p : undefined;
  };
}

/** The holdout root when none is configured: `~/.shopfloor/holdout`. */
export function defaultHoldoutRoot(): string {
  return join(homedir(), '.shopfloor', 'holdout');
}

/**
 * Builds a fresh run set-up: the packet as given, its resolved blueprint (loadBlueprint:
 * reads `.shopfloor/blueprints/*` of `repo`), and with `profile` the repository's set-up
 * facts (profiles the repository through git: reads its index and manifests, never runs
 * its code; can take a second on a large repository). Throws ValidationError (with field
 * paths) for a malformed blueprint, Error for an unknown blueprint name.
 */
export async function freshRunSetup(o: { repo: string; packet: TaskPacket } & RunOptions): Promise<RunSetup> {
  const loaded = loadBlueprint(o.blueprint ?? '', o.packet, o.repo);
  const profile: ProfileFacts = o.profile ? profileFacts(await profileRepository(new GitRepoReader(o.repo))) : { setup: [], dependencyCheck: [], registryHosts: [] };
  const holdout = resolve(o.holdout ?? defaultHoldoutRoot());
  return {
    packet: o.packet,
    blueprint: loaded.blueprint,
    blueprintSource: loaded.source,
    refusedBlueprints: loaded.refused,
    profile,
    unattended: o.unattended,
    environment: o.environment,
    agentCommand: o.agentCommand,
    holdout,
  };
}

/** Stores the set-up in the run folder (RUN_LAYOUT.runSetup) so a resume runs the same packet and blueprint the same way; returns the text written. */
export async function saveRunSetup(artifacts: ArtifactStore, setup: RunSetup): Promise<string> {
  const text = JSON.stringify(setup, null, 2);
  await artifacts.write(RUN_LAYOUT.runSetup, text);
  return text;
}

/**
 * Reads a stored set-up and parses it (RunSetupSchema); `check` sees the text first and
 * may throw (the run session checks it against this machine's ledger). Throws Error when
 * the run has none, ValidationError naming the file and the bad field when it was edited
 * into something that does not parse.
 */
export async function loadRunSetup(artifacts: ArtifactStore, runId: string, check?: (text: string) => void): Promise<RunSetup> {
  const saved = await artifacts.read(RUN_LAYOUT.runSetup);
  if (!saved) throw new Error(`no run ${runId} to resume here`);
  check?.(saved);
  return parseRunFile(RunSetupSchema, RUN_LAYOUT.runSetup, saved);
}

/** Parses an agent command: a JSON array, or whitespace-separated words (no shell). */
export function parseArgv(cmd: string): string[] {
  const t = cmd.trim();
  if (t.startsWith('[')) return JSON.parse(t) as string[];
  return t.split(/\s+/).filter(Boolean);
}
