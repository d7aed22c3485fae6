import { z } from 'zod';
import { BudgetSchema } from './agent';
import { BlueprintRefSchema, CommandSpecSchema, LIMITS, SemverSchema, Sha256Schema, SlugSchema, boundedList } from './common';

/** When a station stops for a human (or an unattended policy): before it runs, after, both, or never. */
export const GatePolicySchema = z
  .object({
    when: z.enum(['before', 'after', 'both', 'none']).describe('Where the gate stands relative to the station.'),
    allowSkip: z.boolean().default(false).describe('Whether a human may skip this station at its gate.'),
  })
  .describe('Gate policy of a station.');
export type GatePolicy = z.infer<typeof GatePolicySchema>;

/** Where a station runs and what it may reach. Network is `none` unless egress is listed (design.md "Isolation"). */
export const StationEnvironmentSchema = z
  .object({
    image: z.string().optional().describe('Image to use instead of the repository devcontainer.'),
    useDevcontainer: z.boolean().default(true).describe('Use the repository devcontainer.json when it has one.'),
    network: z.enum(['none', 'egress']).default('none').describe('`egress` goes through the host allowlisting proxy.'),
    egressAllow: boundedList(z.string())
      .default([])
      .describe(
        'Destinations the proxy lets through on ports 80 and 443: host names (registry.npmjs.org, *.example.org) or addresses; `:port` allows that port instead (host:8443). Names resolving to loopback, link-local, private or this machine\'s addresses are refused unless a range entry opts them in (10.1.0.0/16, 127.0.0.1/32).',
      ),
    env: z.record(z.string(), z.string()).default({}).describe('Extra environment for the station (never credentials).'),
  })
  .describe('Station environment.');

/** The role a station plays on the line (design.md "The line"). */
export const STATION_ROLES = ['setup', 'reproduce', 'plan', 'implement', 'validate', 'verify', 'check', 'investigate'] as const;

/** What runs at a station (design.md "Station kinds"). */
export const STATION_KINDS = ['command', 'agent', 'human', 'verifier', 'builtin'] as const;

const stationBase = {
  id: SlugSchema.describe('Unique within the blueprint.'),
  role: z.enum(STATION_ROLES).describe('What the station is for on the line.'),
  title: z.string().optional(),
  gate: GatePolicySchema.default({ when: 'none', allowSkip: false }),
  timeoutSec: z.number().positive().max(LIMITS.timeoutSec).optional().describe('Wall-clock limit in seconds.'),
  retries: z.number().int().min(0).max(LIMITS.retries).default(0).describe('Retries on RETRYABLE_FAILURE causes.'),
  environment: StationEnvironmentSchema.optional(),
};

/** Which packet commands a command station runs when it has no argv of its own. */
export const CommandSourceSchema = z.enum(['packet.reproduction', 'packet.validation', 'profile.setup']);

export const CommandStationSchema = z
  .object({
    ...stationBase,
    kind: z.literal('command'),
    commands: boundedList(CommandSpecSchema).optional().describe('Commands to run, in order.'),
    from: CommandSourceSchema.optional().describe('Take the commands from the packet or the repository profile.'),
  })
  .refine((s) => (s.commands?.length ?? 0) > 0 || s.from !== undefined, {
    message: 'a command station needs `commands` or `from`',
    path: ['commands'],
  });

export const AGENT_CLIS = ['claude', 'codex', 'gemini', 'aider', 'opencode', 'jsonl'] as const;
export const AgentStationSchema = z.object({
  ...stationBase,
  kind: z.literal('agent'),
  agent: z.enum(AGENT_CLIS).optional().describe('Agent CLI; defaults to the user setting.'),
  command: CommandSpecSchema.optional().describe('For `jsonl`: the command speaking the JSONL protocol.'),
  prompt: z.string().optional().describe('Instructions added to the packet when prompting the agent.'),
  maxTurns: z.number().int().positive().optional(),
  budget: BudgetSchema.optional().describe("Limits on this station's agent per attempt (tokens, US dollars, wall time), enforced by the run's model proxy; reaching one ends the station budget-exceeded."),
});

/**
 * A routing rule (issue 10): an agent station that names no `agent` gets the first rule's
 * agent whose `when` matches the packet's seed kind, the repository's main language and the
 * packet's risk (a field left out matches anything). Read by src/app/agent-routing.ts.
 */
export const AgentRouteSchema = z.object({
  when: z
    .object({
      kind: z.string().max(100).optional().describe("The packet's seed kind, e.g. issue, failing-test, advisory."),
      language: z.string().max(100).optional().describe("The repository's main language as the profiler names it, e.g. TypeScript."),
      risk: z.string().max(100).optional().describe("The packet's risk class: auto-ship, one-reviewer or hard-stop."),
    })
    .default({}),
  agent: z.enum(AGENT_CLIS).describe('The agent CLI for stations this rule matches.'),
});
export type AgentRoute = z.infer<typeof AgentRouteSchema>;

export const HumanStationSchema = z.object({
  ...stationBase,
  kind: z.literal('human'),
  instructions: z.string().optional().describe('What the person should do before marking the station done.'),
});

export const VerifierStationSchema = z.object({
  ...stationBase,
  kind: z.literal('verifier'),
  scenarios: z.string().min(1).describe('Holdout scenarios: a folder or file under the user\'s holdout root, by a relative path (no absolute path, no `..`); `registry:<name>` is reserved for the scenario registry (not available yet).'),
  commands: boundedList(CommandSpecSchema).min(1).describe('Commands that run the scenarios; they see them under /scenarios.'),
});

export const BUILTIN_STATIONS = ['ingest', 'classify', 'collect-evidence', 'decide', 'dependency-check'] as const;
export const BuiltinStationSchema = z.object({
  ...stationBase,
  kind: z.literal('builtin'),
  builtin: z.enum(BUILTIN_STATIONS),
});

/** One step of a blueprint. Discriminated on `kind` so a validation error names the right fields. */
export const StationSchema = z
  .discriminatedUnion('kind', [CommandStationSchema, AgentStationSchema, HumanStationSchema, VerifierStationSchema, BuiltinStationSchema])
  .describe('A station of a blueprint: command, agent, human, verifier or builtin.');
export type Station = z.infer<typeof StationSchema>;

/**
 * A blueprint: a versioned pipeline of stations (design.md "Blueprint"). Versions are
 * immutable once published to the registry; a fork names its parent in `forkOf`.
 */
export const BlueprintSchema = z
  .object({
    $schema: z.string().optional(),
    schemaVersion: z.literal(1),
    name: SlugSchema.describe('Blueprint name; with `version` forms name@semver.'),
    version: SemverSchema,
    description: z.string().optional(),
    tier: z.enum(['platform', 'domain', 'team']).describe('Scope tier of the blueprint.'),
    forkOf: BlueprintRefSchema.optional().describe('Lineage: the name@version this blueprint was forked from.'),
    pattern: z.enum(['interactive', 'unattended']).describe('Human-in-the-loop, or gates decided by policy.'),
    maxRevisions: z.number().int().min(0).max(LIMITS.retries).default(2).describe('Revise rounds after failed validation before ESCALATE.'),
    riskPaths: boundedList(z.string()).default([]).describe('Glob patterns; a change touching one always stops for a human.'),
    defaults: z
      .object({
        timeoutSec: z.number().positive().max(LIMITS.timeoutSec).default(1800),
        retries: z.number().int().min(0).max(LIMITS.retries).default(0),
        environment: StationEnvironmentSchema.optional(),
      })
      .default({ timeoutSec: 1800, retries: 0 }),
    stations: boundedList(StationSchema).min(1, 'a blueprint needs at least one station'),
    routing: boundedList(AgentRouteSchema).optional().describe('Which agent CLI runs agent stations that name none, by packet kind, repository language and risk; the first match wins.'),
    budget: BudgetSchema.optional().describe("Limits on the whole run's agents (tokens, US dollars, wall time); the packet's own budget takes precedence."),
  })
  .superRefine((b, ctx) => {
    const seen = new Set<string>();
    b.stations.forEach((s, i) => {
      if (seen.has(s.id)) ctx.addIssue({ code: 'custom', path: ['stations', i, 'id'], message: `duplicate station id "${s.id}"` });
      seen.add(s.id);
    });
  })
  .describe('A Shopfloor blueprint: an ordered, versioned pipeline of stations with gate policies.');
export type Blueprint = z.infer<typeof BlueprintSchema>;

/** Where a run's blueprint came from: a platform built-in, the repository's `.shopfloor/blueprints/`, or a file named on the command line. */
export const BlueprintSourceSchema = z.object({
  kind: z.enum(['builtin', 'repository', 'file']),
  file: z.string().optional().describe('Repository-relative (repository) or absolute (file) path.'),
  tier: z.enum(['platform', 'domain', 'team']),
  registry: z
    .object({ source: BlueprintRefSchema, sourceHash: Sha256Schema, fork: z.boolean(), channel: z.enum(['candidate', 'production']).optional() })
    .optional()
    .describe('For a repository blueprint adopted or forked from the registry (issue 13): the registry version it is based on and that version\'s content hash (equal to the run\'s blueprint hash while the copy is unedited).'),
});
export type BlueprintSource = z.infer<typeof BlueprintSourceSchema>;

