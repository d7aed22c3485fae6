import { TaskPacketSchema, type CommandSpec, type Provenance, type Seed, type TaskPacket } from '../../contracts';
import { sha256Hex } from '../hash';
import { parseOrThrow } from '../validate';
import type { RepositoryReader } from '../profile/port';
import { profileRepository } from '../profile/profile';
import { argvOf, parseJsonLoose } from '../profile/text';
import type { DetectedCommand, RepoProfile } from '../profile/types';
import { DEFAULT_ALLOWED_TOOLS, DEFAULT_RUN_BUDGET, KIND_DEFAULTS } from './defaults';
import { buildNodePoc } from './poc';
import { bareTestRef, narrowestTestCommand } from './repro';
import { classifyRisk } from './risk';
import { rankScope } from './scope';
import { parseSeed, type SeedFacts } from './seed';

export interface DraftOptions {
  /** Tool allowlist for the implementing agent (default DEFAULT_ALLOWED_TOOLS). */
  readonly allowedTools?: readonly string[];
  /** See ScopeOptions.largeRepoFiles. */
  readonly largeRepoFiles?: number;
  readonly historyCommits?: number;
}

export interface DraftInput {
  readonly seed: Seed;
  readonly reader: RepositoryReader;
  /** A profile already computed for this repository; computed when absent. */
  readonly profile?: RepoProfile;
  readonly options?: DraftOptions;
}

export interface DraftResult {
  readonly packet: TaskPacket;
  readonly facts: SeedFacts;
  readonly profile: RepoProfile;
  /** What the drafter did and skipped, in words, for the log and the panel. */
  readonly notes: string[];
}

const ENTRY_MAX_BYTES = 512 * 1024;

/** A short, filename-safe packet id: `<kind>-<slug>-<6 hex>`, stable for the same seed and commit. */
export function packetId(seed: Seed, slugSource: string, head?: string): string {
  const slug = slugSource
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .split('-')
    .filter((w) => w.length > 1)
    .slice(0, 5)
    .join('-')
    .slice(0, 48)
    .replace(/-+$/, '');
  const h = sha256Hex(`${seed.kind}\n${seed.ref ?? ''}\n${seed.text}\n${head ?? ''}`).slice(0, 6);
  return [seed.kind, slug, h].filter(Boolean).join('-');
}

function seedProv(line: number | undefined, note: string): Provenance {
  return { source: 'seed', ...(line ? { line } : {}), note };
}

function asSpec(c: DetectedCommand): CommandSpec {
  return { argv: [...c.argv], ...(c.cwd ? { cwd: c.cwd } : {}), ...(c.description ? { description: c.description } : {}), origin: c.origin };
}

/** Prose of the seed outside fenced code blocks. */
function prose(facts: SeedFacts): string {
  return facts.lines.join('\n').replace(/```[\s\S]*?```/g, ' ');
}

/**
 * Why a seed cannot be acted on, or undefined when it can. A seed is actionable when it
 * points somewhere (a path, frame, test, identifier, call, code) or says enough in words
 * (at least 12 content words) to search with. Vague seeds get `missing-context`, never an
 * invented task.
 */
export function vagueness(facts: SeedFacts, anchoredInRepo: boolean): string | undefined {
  if (facts.kind === 'selection' && !facts.todo) {
    const words = prose(facts).toLowerCase().match(/[a-z]{3,}/g) ?? [];
    if (words.length < 3) return 'the selection comes without a note saying what should change';
    return undefined;
  }
  if (facts.kind === 'todo') return facts.todo && facts.todo.text.split(/\s+/).filter((w) => w.length > 2).length >= 2 ? undefined : 'the TODO does not say what to do';
  const pointers =
    facts.paths.length + facts.frames.length + facts.tests.length + facts.literals.length + facts.codeBlocks.length + facts.advisoryIds.length + facts.calls.filter((c) => c.args.trim()).length + facts.identifiers.filter((i) => i.strength === 'code').length;
  if (pointers > 0 || anchoredInRepo) return undefined;
  if (facts.failingCommand) return undefined;
  if (facts.words.length >= 12) return undefined;
  return `the seed names no file, function, test, error or example, and says too little to search with (${facts.words.length} content word${facts.words.length === 1 ? '' : 's'})`;
}

function firstSentence(s: string, max = 300): string {
  const t = s.replace(/^security advisory:\s*/i, '').trim();
  const one = t.split(/(?<=[.!?])\s+/)[0] ?? t;
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

function intentOf(facts: SeedFacts, seed: Seed): { text: string; origin: Provenance } {
  const ids = facts.advisoryIds.length ? ` (${facts.advisoryIds.join(', ')})` : '';
  switch (facts.kind) {
    case 'failing-test': {
      const t = facts.tests[0];
      if (t) return { text: `Make the failing test "${t.name}"${t.file ? ` (${t.file})` : ''} pass by fixing the code under test, without weakening the test.`, origin: seedProv(t.seedLine, 'failing test named in the seed') };
      break;
    }
    case 'ci-log': {
      const c = facts.failingCommand;
      const t = facts.tests[0];
      if (c) return { text: `Make the failing CI step \`${c.run}\` pass again${t ? ` (failing test "${t.name}")` : ''} by fixing the cause, not the pipeline.`, origin: seedProv(c.seedLine, 'the step the log shows failing') };
      break;
    }
    case 'todo':
    case 'selection':
      if (facts.todo) return { text: `Resolve the ${facts.todo.tag}${seed.ref ? ` at ${seed.ref}` : ''}: ${facts.todo.text}`, origin: seedProv(facts.todo.seedLine, `${facts.todo.tag} text`) };
      if (facts.kind === 'selection') {
        const note = prose(facts).trim().split('\n')[0]!;
        return { text: `${firstSentence(note)}${seed.ref ? ` (selection at ${seed.ref})` : ''}`, origin: seedProv(1, 'the note given with the selection') };
      }
      break;
    default:
      break;
  }
  const norm = facts.normative[0];
  if (norm) return { text: `${firstSentence(norm.text, 400)}${ids}`, origin: seedProv(norm.seedLine, 'the sentence of the seed that says what must hold') };
  if (facts.title) return { text: `Fix: ${firstSentence(facts.title.text)}${ids}`, origin: seedProv(facts.title.seedLine, 'the seed’s title / first sentence') };
  return { text: firstSentence(facts.lines.join(' ')), origin: seedProv(1, 'first sentence of the seed') };
}

/**
 * Drafts a task packet from a seed and the repository, deterministically and without
 * running anything: profile, seed intake, ranked scope, reproduction (narrowest failing
 * test or the advisory's proof-of-concept as `node -e`), validation, per-kind defaults,
 * risk. Every proposed value carries its origin; what could not be found is flagged.
 */
export async function draftPacket(input: DraftInput): Promise<DraftResult> {
  const { seed, reader } = input;
  const notes: string[] = [];
  let facts = parseSeed(seed.kind, seed.text);
  if (seed.kind === 'failing-test' && !facts.tests.length) {
    const bare = bareTestRef(seed.text);
    if (bare) facts = { ...facts, tests: [bare] };
  }
  // The scope's content search starts as soon as what it needs is known (the seed alone, or
  // the file list) and runs in git while the profile is computed; profile and scope share
  // one file index (indexFiles, keyed by the list).
  const profiling = input.profile ? Promise.resolve(input.profile) : profileRepository(reader);
  const [profile, scope] = await Promise.all([
    profiling,
    rankScope(facts, reader.listFiles(), profiling, reader, {
      ...(seed.ref ? { ref: seed.ref } : {}),
      ...(input.options?.largeRepoFiles ? { largeRepoFiles: input.options.largeRepoFiles } : {}),
      ...(input.options?.historyCommits ? { historyCommits: input.options.historyCommits } : {}),
    }),
  ]);
  const defaults = KIND_DEFAULTS[seed.kind];
  const provenance: Record<string, Provenance> = {};
  const flags = new Set<TaskPacket['flags'][number]>();

  notes.push(...scope.notes);
  const vague = vagueness(facts, scope.anchored);

  // Validation: the project's own test, lint and build commands (root first).
  const pick = (list: readonly DetectedCommand[]) => list.find((c) => !c.cwd) ?? list[0];
  const projectChecks = [pick(profile.testCommands), pick(profile.lintCommands), pick(profile.buildCommands)].filter((c): c is DetectedCommand => !!c).map(asSpec);

  const allowedTools = [...(input.options?.allowedTools ?? DEFAULT_ALLOWED_TOOLS)];
  provenance['allowedTools'] = input.options?.allowedTools ? { source: 'human', note: 'from the shopfloor.draft.allowedTools setting' } : { source: 'default', note: 'Shopfloor default tool allowlist' };

  if (vague) {
    const excerpt = firstSentence(seed.text.trim(), 120);
    const packet: TaskPacket = {
      schemaVersion: 1,
      id: packetId(seed, 'missing-context', profile.head),
      intent: `Not actionable as written ("${excerpt}"): ${vague}. Ask for what is wrong, where (file, function, command or test), and how to see it fail.`,
      source: { ...seed },
      ...(profile.head ? { baseCommit: profile.head } : {}),
      scope: { paths: [], services: [] },
      nonGoals: ['Do not guess a task from this seed: no code change until the missing context is supplied.'],
      reproduction: [],
      allowedTools,
      validation: projectChecks,
      noOpRules: [{ when: 'missing-context', then: 'ESCALATE', reason: vague, origin: { source: 'default', note: 'vague seed' } }],
      evidenceRequired: ['seed', 'questions-for-reporter'],
      outputFormat: 'escalation',
      risk: 'one-reviewer',
      riskReasons: ['nothing to change until the seed is clarified'],
      flags: ['missing-context', 'no-reproduction', 'scope-unranked'],
      provenance: {
        ...provenance,
        intent: { source: 'default', note: `missing context: ${vague}` },
        nonGoals: { source: 'default', note: 'vague seed' },
        outputFormat: { source: 'default', note: 'a vague seed ends in ESCALATE, never a change' },
      },
    };
    notes.push(`missing-context: ${vague}`);
    return { packet: parseOrThrow(TaskPacketSchema, packet, 'Drafted task packet'), facts, profile, notes };
  }

  // Reproduction.
  const reproduction: CommandSpec[] = [];
  const jsTest = await rootTestScript(reader, profile);
  for (const t of facts.tests.slice(0, 3)) {
    const cmd = narrowestTestCommand(t, profile, jsTest);
    if (cmd) reproduction.push({ ...cmd, origin: seedProv(t.seedLine, `failing test "${t.name}" from the seed; ${cmd.description}`) });
  }
  if (!reproduction.length && (seed.kind === 'advisory' || seed.kind === 'issue')) {
    const node = profile.packages.find((p) => (p.ecosystem === 'npm' || p.ecosystem === 'yarn' || p.ecosystem === 'pnpm') && p.entry && !p.manifest.includes('/'));
    if (node?.entry) {
      const entry = (await reader.readFiles([node.entry], { maxBytes: ENTRY_MAX_BYTES })).get(node.entry);
      const poc = buildNodePoc(facts, entry && 'text' in entry ? entry.text : undefined, node.name);
      if (poc)
        reproduction.push({
          argv: ['node', '-e', poc.script],
          timeoutSec: 60,
          ...(poc.expectFailure ? { expectFailure: poc.expectFailure } : {}),
          description: `proof-of-concept: ${poc.call}; ${poc.expectFailure ? 'fails' : 'exits 1'} while ${poc.oracle}`,
          origin: seedProv(poc.seedLine, `the seed's ${poc.call} turned into a node -e command against ${node.entry} (package ${node.name}); oracle: ${poc.oracle}`),
        });
      else notes.push(`no proof-of-concept: the seed gives no call or argument list of ${node.name}'s exports together with an observable effect`);
    } else if (seed.kind === 'advisory') notes.push('no proof-of-concept: only npm packages are turned into commands so far');
  }
  if (!reproduction.length && facts.failingCommand) {
    reproduction.push({ argv: argvOf(facts.failingCommand.run), description: 'the CI step the log shows failing', origin: seedProv(facts.failingCommand.seedLine, 'failing CI step') });
  }
  if (!reproduction.length && seed.kind === 'failing-test' && profile.testCommands[0]) {
    const c = asSpec(profile.testCommands[0]);
    reproduction.push({ ...c, description: 'whole test suite: the runner of the failing test is unknown, so no narrower command', origin: { ...c.origin!, note: `${c.origin?.note ?? ''}; narrower command unknown` } });
  }
  if (!reproduction.length) flags.add('no-reproduction');

  const validation = [...reproduction, ...projectChecks.filter((c) => !reproduction.some((r) => JSON.stringify(r.argv) === JSON.stringify(c.argv)))];
  if (!projectChecks.length) flags.add('no-validation');
  if (!scope.paths.length) flags.add('scope-unranked');

  const intent = intentOf(facts, seed);
  provenance['intent'] = intent.origin;
  defaults.nonGoals.forEach((_, i) => (provenance[`nonGoals[${i}]`] = { source: 'default', note: `default for ${seed.kind} seeds` }));
  provenance['evidenceRequired'] = { source: 'default', note: `default for ${seed.kind} seeds` };
  provenance['outputFormat'] = { source: 'default', note: `default for ${seed.kind} seeds` };
  const risk = classifyRisk(scope.paths.slice(0, 5).map((p) => p.path), seed.kind);
  provenance['risk'] = { source: 'default', note: 'from the paths in scope; see riskReasons' };
  // Kept without a reproduction too: the reproduce station writes one (issue 11), and one that passes on the base commit is NO_OP.
  const noOpRules = defaults.noOpRules
    .map((r) => ({ ...r, origin: { source: 'default' as const, note: `default for ${seed.kind} seeds` } }));

  const slug = profile.packages[0]?.name && facts.words.some((w) => w.word === profile.packages[0]!.name.toLowerCase()) ? `${profile.packages[0].name} ${intent.text}` : (facts.tests[0]?.name ?? intent.text);
  const packet: TaskPacket = {
    schemaVersion: 1,
    id: packetId(seed, slug, profile.head),
    intent: intent.text.slice(0, 2000),
    source: { ...seed },
    ...(profile.head ? { baseCommit: profile.head } : {}),
    scope: { paths: scope.paths.map((p) => ({ path: p.path, score: p.score, origin: p.origin })), services: [] },
    nonGoals: [...defaults.nonGoals],
    reproduction,
    allowedTools,
    validation,
    noOpRules,
    evidenceRequired: [...defaults.evidence],
    outputFormat: defaults.output,
    risk: risk.risk,
    riskReasons: risk.reasons,
    flags: [...flags],
    budget: { ...DEFAULT_RUN_BUDGET },
    provenance: { ...provenance, budget: { source: 'default', note: 'Shopfloor default run budget' } },
  };
  return { packet: parseOrThrow(TaskPacketSchema, packet, 'Drafted task packet'), facts, profile, notes };
}

/** The root package.json `scripts.test` body (names the JS test runner), if any. */
async function rootTestScript(reader: RepositoryReader, profile: RepoProfile): Promise<string | undefined> {
  if (!profile.manifests.some((m) => m.path === 'package.json')) return undefined;
  const r = (await reader.readFiles(['package.json'], { maxBytes: 256 * 1024 })).get('package.json');
  if (!r || !('text' in r)) return undefined;
  const pkg = parseJsonLoose(r.text) as { scripts?: { test?: unknown } } | undefined;
  return typeof pkg?.scripts?.test === 'string' ? pkg.scripts.test : undefined;
}
