import type { AgentRoute, Blueprint, CommandSpec, RunSetup, Station, TaskPacket } from '../contracts';
import { CommandAgentRunner } from '../adapters/agents/command-agent';
import { AiderAgentRunner } from '../adapters/agents/aider';
import { ClaudeCodeRunner } from '../adapters/agents/claude-code';
import type { AgentCliInstaller } from '../adapters/agents/cli-install';
import { CodexAgentRunner } from '../adapters/agents/codex';
import { CopilotAgentRunner, copilotPackage, copilotPkgCache } from '../adapters/agents/copilot';
import { JsonlAgentRunner } from '../adapters/agents/jsonl-agent';
import { codexPackage, geminiPackage, InstalledCliRunner, opencodePackage } from '../adapters/agents/installed-cli';
import { GeminiAgentRunner } from '../adapters/agents/gemini';
import { OpenCodeAgentRunner } from '../adapters/agents/opencode';
import { parseArgv } from './run-setup';
import type { AgentPreparation, AgentResult, AgentRunner, AgentTask } from '../core/run/ports';

/**
 * Which agent runs an agent station (issue 10), in one place: the station's own `agent`;
 * else the blueprint's first routing rule matching the packet's seed kind, the
 * repository's main language and the packet's risk; else the user's default (setting
 * `shopfloor.agent.default`, CLI `--agent`); else `command`, the command agent
 * (CommandAgentRunner: the station's `command` or `--agent-command`). Runners come from
 * AGENT_REGISTRY, which the adapters fill in; a name without a factory is refused before
 * the run starts (agentRefusal), naming the station and the agent.
 */

/** Every agent name a station, a routing rule or the user default may give. */
export const AGENT_NAMES = ['claude', 'codex', 'gemini', 'opencode', 'copilot', 'aider', 'jsonl', 'command'] as const;
export type AgentName = (typeof AGENT_NAMES)[number];

/** What picks and configures the agents of a run (from the run's set-up and the user's settings). */
export interface AgentSettings {
  /** The user's default agent (`shopfloor.agent.default`, `--agent`); undefined: `command`. */
  default?: string;
  /** The command agent's fallback command (`shopfloor.agent.command`, `--agent-command`). */
  command?: CommandSpec;
  /** npm version per CLI to install in the station container (`shopfloor.agent.versions`), e.g. `{ claude: "2.1.3" }`. */
  versions?: Record<string, string>;
  /** The repository's main language as the profiler names it, for routing rules. */
  language?: string;
  /** Where stations run (the run set-up's `environment`); agent CLIs installed into Docker volumes need `docker`. */
  environment?: 'docker' | 'local';
}

/** What a run's composition gives the agent factories: the CLI installer of its Docker environment (absent for the local environment). */
export interface AgentContext {
  installer?: AgentCliInstaller;
}

/** A run's agent settings from its stored set-up (so a resume routes the same way) and the user's CLI versions. */
export function agentSettingsOf(setup: RunSetup, versions?: Record<string, string>): AgentSettings {
  return {
    ...(setup.agentDefault ? { default: setup.agentDefault } : {}),
    ...(setup.agentCommand ? { command: { argv: parseArgv(setup.agentCommand) } } : {}),
    ...(versions ? { versions } : {}),
    ...(setup.language ? { language: setup.language } : {}),
    ...(setup.environment ? { environment: setup.environment } : {}),
  };
}

/** Makes the runner of one agent CLI from the settings; the adapters (src/adapters/agents/) provide these. */
export type AgentFactory = (settings: AgentSettings, context: AgentContext) => AgentRunner;

/** Agents whose CLI is installed from npm into a Docker volume and run in the station container: they need Docker stations. */
const DOCKER_AGENTS: ReadonlySet<string> = new Set(['claude', 'codex', 'gemini', 'opencode', 'copilot', 'aider']);

/** An installer for a context without one: the run was refused before this could be reached (agentRunnerFor). */
const NO_INSTALLER = { ensure: () => Promise.reject(new Error('agent CLIs are installed only for Docker stations')) } as unknown as AgentCliInstaller;

/**
 * The agents of this build by name. An entry left undefined is an agent CLI whose adapter is
 * not in this build: choosing it refuses the run ("not available in this build").
 */
export const AGENT_REGISTRY: Record<AgentName, AgentFactory | undefined> = {
  claude: (s, c) => new ClaudeCodeRunner({ installer: c.installer ?? NO_INSTALLER, ...(s.versions?.claude ? { version: s.versions.claude } : {}) }),
  // The model name Codex asks the provider for: SHOPFLOOR_CODEX_MODEL, else a current Codex model.
  codex: (s, c) => new InstalledCliRunner(c.installer ?? NO_INSTALLER, codexPackage(s.versions?.codex), (bin) => new CodexAgentRunner({ model: process.env.SHOPFLOOR_CODEX_MODEL || 'gpt-5-codex', command: [bin] })),
  // The model Gemini CLI asks for: SHOPFLOOR_GEMINI_MODEL, else a current Gemini model.
  gemini: (s, c) => new InstalledCliRunner(c.installer ?? NO_INSTALLER, geminiPackage(s.versions?.gemini), (bin) => new GeminiAgentRunner({ model: process.env.SHOPFLOOR_GEMINI_MODEL || 'gemini-2.5-pro', command: [bin] })),
  // OpenCode names its model provider/model: SHOPFLOOR_OPENCODE_MODEL, else OpenAI's through the run's proxy.
  opencode: (s, c) => new InstalledCliRunner(c.installer ?? NO_INSTALLER, opencodePackage(s.versions?.opencode), (bin) => new OpenCodeAgentRunner({ model: process.env.SHOPFLOOR_OPENCODE_MODEL || 'openai/gpt-5', command: [bin] })),
  // BYOK through the run's model proxy (OpenAI Responses); the model: SHOPFLOOR_COPILOT_MODEL, else a GPT-5 model the CLI knows (it picks its tool set by model id).
  copilot: (s, c) =>
    new InstalledCliRunner(c.installer ?? NO_INSTALLER, copilotPackage(s.versions?.copilot), (bin) => new CopilotAgentRunner({ model: process.env.SHOPFLOOR_COPILOT_MODEL || 'gpt-5.4', command: [bin], pkgCache: copilotPkgCache(bin) })),
  // Aider is a Python CLI (not on npm): it must come with the station image, and a station whose image lacks it ends in error saying so (AIDER_MISSING).
  aider: () => new AiderAgentRunner({ model: process.env.SHOPFLOOR_AIDER_MODEL || 'gpt-4.1' }),
  jsonl: (s) => new JsonlAgentRunner(s.command),
  command: (s) => new CommandAgentRunner(s.command),
};

/** An agent station's agent is unknown or not in this build; `message` names the station and the agent. */
export class AgentUnavailableError extends Error {
  constructor(
    readonly stationId: string,
    readonly agent: string,
    why: string,
  ) {
    super(`station ${stationId}: agent "${agent}" ${why}`);
    this.name = 'AgentUnavailableError';
  }
}

const matches = (r: AgentRoute, packet: TaskPacket, language: string | undefined): boolean =>
  (r.when.kind === undefined || r.when.kind === packet.source.kind) &&
  (r.when.language === undefined || r.when.language.toLowerCase() === language?.toLowerCase()) &&
  (r.when.risk === undefined || r.when.risk === packet.risk);

/**
 * The agent name for `station`, why it was chosen (`station`, `routing rule <i>`,
 * `default`, `fallback`) and by which rule (`source`). Pure; does not check the name is available.
 */
export function agentNameFor(station: Station, packet: TaskPacket, settings: AgentSettings, routing: Blueprint['routing'] = []): { name: string; why: string; source: 'station' | 'routing' | 'default' | 'fallback' } {
  if (station.kind === 'agent' && station.agent) return { name: station.agent, why: 'named by the station', source: 'station' };
  const i = routing.findIndex((r) => matches(r, packet, settings.language));
  if (i >= 0) return { name: routing[i]!.agent, why: `routing rule ${i + 1} of the blueprint`, source: 'routing' };
  if (settings.default) return { name: settings.default, why: 'the default agent (shopfloor.agent.default / --agent)', source: 'default' };
  return { name: 'command', why: 'the fallback (command agent)', source: 'fallback' };
}

/**
 * The runner for `station` (agentNameFor, then AGENT_REGISTRY). Throws AgentUnavailableError
 * for a name that is not an agent Shopfloor knows, or one not available in this build.
 */
export function agentRunnerFor(station: Station, packet: TaskPacket, settings: AgentSettings, routing?: Blueprint['routing'], registry: Partial<Record<string, AgentFactory>> = AGENT_REGISTRY, context: AgentContext = {}): AgentRunner {
  const { name, why } = agentNameFor(station, packet, settings, routing);
  if (!(AGENT_NAMES as readonly string[]).includes(name)) throw new AgentUnavailableError(station.id, name, `(${why}) is not an agent Shopfloor knows; expected one of ${AGENT_NAMES.join(', ')}`);
  const factory = registry[name];
  if (!factory) throw new AgentUnavailableError(station.id, name, `(${why}) is not available in this build`);
  if (DOCKER_AGENTS.has(name) && settings.environment === 'local')
    throw new AgentUnavailableError(station.id, name, `(${why}) runs only in Docker stations: its CLI is installed into a Docker volume and runs in the devcontainer; the local environment has neither (use --environment docker)`);
  return factory(settings, context);
}

/**
 * Why the run must not start because one of its agent stations has no agent (an unknown
 * name, or one not available in this build), or undefined when every agent station has
 * one. Checked before the run starts and before a resume (the build may have changed).
 */
export function agentRefusal(blueprint: Blueprint, packet: TaskPacket, settings: AgentSettings, registry?: Partial<Record<string, AgentFactory>>): string | undefined {
  for (const st of blueprint.stations) {
    if (st.kind !== 'agent') continue;
    try {
      agentRunnerFor(st, packet, settings, blueprint.routing, registry);
    } catch (e) {
      if (e instanceof AgentUnavailableError) return e.message;
      throw e;
    }
  }
  return undefined;
}

/**
 * The run's AgentRunner port: routes each task to the runner its station resolves to
 * (agentRunnerFor), one runner per agent name for the whole run.
 */
export class RoutedAgentRunner implements AgentRunner {
  private readonly runners = new Map<string, AgentRunner>();
  constructor(
    private readonly settings: AgentSettings,
    private readonly routing: Blueprint['routing'],
    private readonly registry: Partial<Record<string, AgentFactory>> = AGENT_REGISTRY,
    private readonly context: AgentContext = {},
    /** The packet the run carries, for routing `prepare` (which sees only the station); set by the engine's first task otherwise. */
    private packet?: TaskPacket,
  ) {}

  /** The chosen runner's preparation (its CLI volume), before the station's environment is created. */
  async prepare(station: Station): Promise<AgentPreparation> {
    if (!this.packet) return { volumes: [] };
    return (await this.runnerFor(station, this.packet).prepare?.(station)) ?? { volumes: [] };
  }

  run(task: AgentTask): Promise<AgentResult> {
    this.packet ??= task.packet;
    return this.runnerFor(task.station, task.packet).run(task);
  }

  agentName(station: Station, packet: TaskPacket): string {
    return agentNameFor(station, packet, this.settings, this.routing).name;
  }

  private runnerFor(station: Station, packet: TaskPacket): AgentRunner {
    const name = agentNameFor(station, packet, this.settings, this.routing).name;
    let runner = this.runners.get(name);
    if (!runner) {
      runner = agentRunnerFor(station, packet, this.settings, this.routing, this.registry, this.context);
      this.runners.set(name, runner);
    }
    return runner;
  }
}
