import type { Blueprint, ModelProvider, TaskPacket } from '../contracts';
import { CLAUDE_CODE_VERSION, claudeCodePackage } from '../adapters/agents/claude-code';
import type { AgentCliPackage } from '../adapters/agents/cli-install';
import { CODEX_VERSION, codexPackage, GEMINI_VERSION, geminiPackage, OPENCODE_VERSION, opencodePackage } from '../adapters/agents/installed-cli';
import { COPILOT_VERSION, copilotPackage } from '../adapters/agents/copilot';
import { AGENT_NAMES, AGENT_REGISTRY, agentNameFor, type AgentFactory, type AgentName, type AgentSettings } from './agent-routing';

/**
 * What the editor offers when a run's agent stations leave the agent to the user's
 * default (issue 10: "agent choice per run"): the agents available in this build, the
 * CLI version each would run, whether its install volume is already there, and which
 * model key it needs. The picking itself is the host's (src/host/run/agent-pick.ts).
 */

/** An agent the user may choose for a run. */
export interface AgentChoice {
  name: AgentName;
  /** The CLI's npm version that would run (the setting, else the pinned one); absent for the command agent. */
  version?: string;
  /** Whether its install volume exists: true, false, or undefined when Docker could not be asked. Absent for the command agent. */
  installed?: boolean;
  /** The model provider whose key the run's model proxy adds to this agent's calls; absent: none. */
  provider?: ModelProvider;
  /** What the agent needs that Shopfloor does not install, e.g. Aider in the station image. */
  needs?: string;
}

/** Per agent CLI: its npm package at a version, and the provider of its model; only agents whose CLI installs into a volume. */
const CLI_OF: Partial<Record<AgentName, { pkg: (version?: string) => AgentCliPackage; pinned: string; provider: ModelProvider }>> = {
  claude: { pkg: claudeCodePackage, pinned: CLAUDE_CODE_VERSION, provider: 'anthropic' },
  codex: { pkg: codexPackage, pinned: CODEX_VERSION, provider: 'openai' },
  gemini: { pkg: geminiPackage, pinned: GEMINI_VERSION, provider: 'gemini' },
  opencode: { pkg: opencodePackage, pinned: OPENCODE_VERSION, provider: 'openai' },
  copilot: { pkg: copilotPackage, pinned: COPILOT_VERSION, provider: 'openai' },
};

/** Agents in this build that need something the install cache cannot give (Aider: a Python CLI the station image must carry), with what they need. */
const NEEDS_IMAGE: Partial<Record<AgentName, string>> = { aider: 'needs aider in the station image (pip install aider-chat)' };

/** The model provider whose key `agent`'s calls need (the proxy adds it), or undefined for an agent that needs none here (the command agent) or is not in this build. */
export function agentProvider(agent: string): ModelProvider | undefined {
  return CLI_OF[agent as AgentName]?.provider;
}

/** The agent names the agent stations of `blueprint` resolve to (agentNameFor), each once, in station order. Pure. */
export function agentsOfRun(blueprint: Blueprint, packet: TaskPacket, settings: AgentSettings): string[] {
  return [...new Set(blueprint.stations.filter((st) => st.kind === 'agent').map((st) => agentNameFor(st, packet, settings, blueprint.routing).name))];
}

/**
 * The agent stations of `blueprint` whose agent comes from the user's default or the
 * fallback (they name none and no routing rule matches): the ones a per-run choice
 * changes. Empty: there is nothing to choose. Pure.
 */
export function stationsLeftToDefault(blueprint: Blueprint, packet: TaskPacket, settings: AgentSettings): string[] {
  return blueprint.stations.filter((st) => st.kind === 'agent' && ['default', 'fallback'].includes(agentNameFor(st, packet, settings, blueprint.routing).source)).map((st) => st.id);
}

/**
 * The agents of this build a run may use (AGENT_REGISTRY entries that are defined), in
 * AGENT_NAMES order, with the CLI version from `versions` (shopfloor.agent.versions) else
 * the pinned one. `installed(pkg)` says whether a CLI's volume exists (agentVolumeExists);
 * a failure or an absent function leaves `installed` undefined. I/O: only what `installed` does.
 */
export async function agentChoices(o: { versions?: Record<string, string>; installed?: (pkg: AgentCliPackage) => Promise<boolean>; registry?: Partial<Record<string, AgentFactory>> }): Promise<AgentChoice[]> {
  const registry = o.registry ?? AGENT_REGISTRY;
  const out: AgentChoice[] = [];
  for (const name of AGENT_NAMES) {
    if (!registry[name]) continue;
    const cli = CLI_OF[name];
    if (!cli) {
      out.push({ name, ...(NEEDS_IMAGE[name] ? { needs: NEEDS_IMAGE[name], provider: 'openai' as const } : {}) });
      continue;
    }
    const version = o.versions?.[name] || cli.pinned;
    const installed = o.installed ? await o.installed(cli.pkg(version)).catch(() => undefined) : undefined;
    out.push({ name, version, provider: cli.provider, ...(installed !== undefined ? { installed } : {}) });
  }
  return out;
}

/**
 * Whether each CLI volume exists, asked of the Docker engine at `dockerHost` (the
 * shopfloor.docker.host setting; empty: the usual discovery). Resolves undefined when no
 * engine answers within two seconds. I/O: connects to the engine, lists volumes.
 */
export async function dockerVolumeQuery(dockerHost?: string): Promise<((pkg: AgentCliPackage) => Promise<boolean>) | undefined> {
  // Loaded here, not at the top: dockerode is heavy and the editor's activation must stay light.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { connectToEngine } = require('../adapters/docker/connect') as typeof import('../adapters/docker/connect');
  const { agentVolumeExists } = require('../adapters/agents/cli-install') as typeof import('../adapters/agents/cli-install');
  /* eslint-enable @typescript-eslint/no-require-imports */
  try {
    const { docker } = await connectToEngine({ setting: dockerHost || undefined, timeoutMs: 2000 });
    return (pkg) => agentVolumeExists(docker, pkg);
  } catch {
    return undefined;
  }
}
