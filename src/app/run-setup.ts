import * as fs from 'node:fs';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve, win32 } from 'node:path';
import { RunSetupSchema, type Blueprint, type BlueprintSource, type RunSetup, type TaskPacket } from '../contracts';
import { BUILTIN_BLUEPRINTS, defaultBlueprint, lookupIn, profileFacts, resolveBlueprint, sortRepositoryBlueprints, type RepositoryBlueprintFile } from '../core/blueprints';
import { parseDocument } from '../core/documents/load';
import { profileRepository } from '../core/profile/profile';
import { RUN_LAYOUT } from '../core/run/layout';
import type { ArtifactStore, ProfileFacts, ScenariosResolver } from '../core/run/ports';
import { isInsideRoot } from '../core/container';
import { parseRunFile } from '../core/run/run-file';
import { GitRepoReader } from '../adapters/git/repo-reader';
import { adoptionOf } from '../adapters/registry/workspace-copies';

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
  /** The agent for agent stations that name none and match no routing rule (`--agent`, shopfloor.agent.default); src/app/agent-routing.ts. */
  agent?: string;
  /** Holdout root for verifier scenarios (default ~/.shopfloor/holdout). */
  holdout?: string;
  /** Profile the repository for set-up commands (`--no-setup` turns it off). */
  profile: boolean;
  /** Let an unattended run use a registry copy whose version is not in production (`--allow-candidate`); issue 13. */
  allowCandidate?: boolean;
}

/** A repository blueprint's source with the registry version it was adopted or forked from, when its adoption record says so (issue 13). */
function withRegistrySource(source: BlueprintSource, repo: string, name: string): BlueprintSource {
  if (source.kind !== 'repository') return source;
  try {
    const a = adoptionOf(repo, name);
    return a ? { ...source, registry: { source: a.source, sourceHash: a.sourceHash, fork: a.fork, ...(a.channel ? { channel: a.channel } : {}) } } : source;
  } catch {
    return source; // a name the registry would refuse, or an unreadable record: the run does not depend on it
  }
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
 * Finds a verifier's holdout scenarios (design.md "Isolation and security defaults":
 * holdout scenarios come only from the user's holdout root or the registry). `holdout` is
 * the user's own root (CLI `--holdout`, else defaultHoldoutRoot; never a repository or
 * blueprint setting); the blueprint's `scenarios` only names a folder or file inside it by
 * a relative path. Refused, with the reason: an absolute path or `..` (a blueprint could
 * otherwise name `~/.ssh`, which would be copied into the verifier and, with egress, sent
 * out); a `registry:` reference (there is no scenario registry yet); a holdout root inside
 * the repository, or scenarios inside it (the implementing station could read them); a
 * path whose real path (symlinks followed) leaves the real holdout root; a path that does
 * not exist. I/O: realpath of the root, the repository and the candidate, at each call, so
 * a resumed run is checked again against what is on disk now. Returns the real path.
 */
export function scenariosResolver(repo: string, holdout: string | undefined): ScenariosResolver {
  return (ref) => {
    const root = resolve(holdout ?? defaultHoldoutRoot());
    if (ref.startsWith('registry:')) return { refused: `registry scenarios are not available yet (there is no scenario registry); put them under the holdout root ${root} and name them by a relative path` };
    if (isAbsolute(ref) || win32.isAbsolute(ref)) return { refused: `an absolute path is not allowed; name a folder under the holdout root ${root} by a relative path` };
    if (ref.split(/[\\/]/).includes('..')) return { refused: `".." is not allowed: scenarios must stay under the holdout root ${root}` };
    const realRoot = realpathOrUndefined(root);
    if (!realRoot) return { refused: `the holdout root ${root} does not exist` };
    const realRepo = realpathOrUndefined(repo) ?? resolve(repo);
    if (isInsideRoot(realRepo, realRoot)) return { refused: `the holdout root ${root} is inside the repository, where the implementing station could read it` };
    const real = realpathOrUndefined(join(realRoot, ref));
    if (!real) return { refused: `not found under the holdout root ${root}` };
    if (!isInsideRoot(realRoot, real)) return { refused: `resolves outside the holdout root ${root} (through a symlink)` };
    if (isInsideRoot(realRepo, real)) return { refused: 'resolves inside the repository, where the implementing station could read it' };
    return { hostPath: real };
  };
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
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
  const registrySource = withRegistrySource(loaded.source, o.repo, loaded.blueprint.name);
  // Unattended runs use only production versions of registry blueprints unless told otherwise (issue 13 item 4).
  if (o.unattended && !o.allowCandidate && registrySource.registry && registrySource.registry.channel !== 'production')
    throw new Error(
      `${loaded.blueprint.name} is a registry copy of ${registrySource.registry.source}, which was ${registrySource.registry.channel ?? 'of unknown channel'} when adopted; an unattended run uses only production versions (adopt one with \`shopfloor registry adopt ${registrySource.registry.fork ? loaded.blueprint.name : registrySource.registry.source.split('@')[0]}\`, or pass --allow-candidate)`,
    );
  const profiled = o.profile ? await profileRepository(new GitRepoReader(o.repo)) : undefined;
  const profile: ProfileFacts = profiled ? profileFacts(profiled) : { setup: [], dependencyCheck: [], registryHosts: [] };
  const language = profiled?.languages[0]?.language;
  const holdout = resolve(o.holdout ?? defaultHoldoutRoot());
  return {
    packet: o.packet,
    blueprint: loaded.blueprint,
    blueprintSource: registrySource,
    refusedBlueprints: loaded.refused,
    profile,
    unattended: o.unattended,
    environment: o.environment,
    agentCommand: o.agentCommand,
    ...(o.agent ? { agentDefault: o.agent } : {}),
    ...(language ? { language } : {}),
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
