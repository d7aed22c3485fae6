import * as vscode from 'vscode';
import type { ModelProvider, RunSetup } from '../../contracts';
import type { AgentCliPackage } from '../../adapters/agents/cli-install';
import { keysFromEnv } from '../../adapters/model-proxy/keys';
import { agentChoices, agentProvider, agentsOfRun, dockerVolumeQuery, stationsLeftToDefault, type AgentChoice } from '../../app/agent-choices';
import { agentSettingsOf, type AgentName } from '../../app/agent-routing';
import { RunRefusedError } from '../../app/run-session';
import { readModelKeys } from '../model-keys';

/** Gives a function saying whether an agent CLI's volume exists, or undefined when that cannot be asked (dockerVolumeQuery). */
export type AgentVolumeQuery = (dockerHost?: string) => Promise<((pkg: AgentCliPackage) => Promise<boolean>) | undefined>;

/** How each agent is named in the editor. */
export const AGENT_LABELS: Record<AgentName, string> = {
  claude: 'Claude Code',
  codex: 'Codex',
  gemini: 'Gemini CLI',
  opencode: 'OpenCode',
  copilot: 'GitHub Copilot CLI',
  aider: 'Aider',
  jsonl: 'JSONL agent',
  command: 'Command agent',
};

/** A quick-pick entry for one agent. */
export interface AgentPickItem extends vscode.QuickPickItem {
  agent: AgentName;
  /** The user's default (shopfloor.agent.default, else the command agent): the entry active when the pick opens. */
  isDefault: boolean;
}

/**
 * The entries of the per-run agent pick, one per available agent, in `choices` order:
 * the label names the agent; the description gives the CLI version and whether it is
 * installed ("installed", "will be installed on first use", or nothing said when Docker
 * could not be asked), or for the command agent the configured command; the default is
 * marked "(default)". `defaultAgent` is shopfloor.agent.default (empty or unknown: the
 * command agent). Pure.
 */
export function agentPickItems(choices: readonly AgentChoice[], o: { defaultAgent?: string; command?: string }): AgentPickItem[] {
  const dflt = choices.some((c) => c.name === o.defaultAgent) ? o.defaultAgent : 'command';
  return choices.map((c) => {
    const isDefault = c.name === dflt;
    const mark = isDefault ? ' (default)' : '';
    if (c.name === 'command' || c.name === 'jsonl') {
      const cmd = o.command?.trim();
      return {
        agent: c.name,
        isDefault,
        label: AGENT_LABELS[c.name],
        description: `${cmd ? cmd : 'no command set (shopfloor.agent.command)'}${mark}`,
        detail: c.name === 'jsonl' ? "Runs your command in the station's devcontainer; it speaks Shopfloor's JSONL agent protocol (docs/agent-protocol.md)." : "Runs your command in the station's devcontainer, the task in SHOPFLOOR_* variables.",
      };
    }
    const state = c.needs ? c.needs : c.installed === true ? ' — installed' : c.installed === false ? ' — will be installed on first use' : '';
    return {
      agent: c.name,
      isDefault,
      label: AGENT_LABELS[c.name],
      description: `${c.version ?? ''}${state}${mark}`.trim(),
      detail: `Runs in the station's devcontainer; its model calls go through the run's model proxy${c.provider ? ` (${c.provider} key, kept on this machine)` : ''}.`,
    };
  });
}

/**
 * The per-run agent choice for `setup` (run-session's `chooseAgent`): when an agent
 * station of its blueprint names no agent and matches no routing rule, a quick pick of the
 * available agents, the default active. Undefined when there is nothing to choose.
 * Escape refuses the start (RunRefusedError). When an agent the run will use (the one
 * chosen, or one its blueprint names) needs a model key that is in neither SecretStorage
 * nor the environment, a warning offers "Set Model API Key" (then
 * the start goes on if a key was stored) or "Start Anyway"; dismissing it refuses the start.
 * I/O: asks the Docker engine which CLI volumes exist (two seconds at most), reads secrets.
 */
export async function pickRunAgent(setup: RunSetup, secrets: vscode.SecretStorage, volumes?: AgentVolumeQuery): Promise<string | undefined> {
  const settings = agentSettingsOf(setup);
  const stations = stationsLeftToDefault(setup.blueprint, setup.packet, settings);
  const config = vscode.workspace.getConfiguration('shopfloor');
  let picked: AgentPickItem | undefined;
  if (stations.length && config.get<boolean>('agent.choosePerRun', true)) {
    const versions = config.get<Record<string, string>>('agent.versions') || undefined;
    const choices = await agentChoices({ versions, installed: await (volumes ?? dockerVolumeQuery)(config.get<string>('docker.host') || undefined) });
    const items = agentPickItems(choices, { defaultAgent: setup.agentDefault, command: config.get<string>('agent.command') || undefined });
    picked = await showPick(items, `Agent for ${stations.join(', ')}`);
    if (!picked) throw new RunRefusedError('no agent was chosen; the run was not started');
  }
  // Every agent the run will use, chosen here, named by the blueprint or its routing: each provider's key is asked for once.
  const used = agentsOfRun(setup.blueprint, setup.packet, { ...settings, ...(picked ? { default: picked.agent } : {}) });
  const asked = new Set<string>();
  for (const name of used) {
    const provider = agentProvider(name);
    if (!provider || asked.has(provider)) continue;
    asked.add(provider);
    await confirmModelKey(name as AgentName, provider, secrets);
  }
  return picked?.agent;
}

function showPick(items: AgentPickItem[], placeholder: string): Promise<AgentPickItem | undefined> {
  return new Promise((resolve) => {
    const qp = vscode.window.createQuickPick<AgentPickItem>();
    qp.title = 'Shopfloor: choose the agent for this run';
    qp.placeholder = `${placeholder} (set the default in shopfloor.agent.default)`;
    qp.items = items;
    qp.activeItems = items.filter((i) => i.isDefault);
    let done = false;
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems[0] ?? qp.activeItems[0]);
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

async function confirmModelKey(agent: AgentName, provider: ModelProvider, secrets: vscode.SecretStorage): Promise<void> {
  const has = async () => !!(await readModelKeys(secrets, keysFromEnv(process.env)))[provider];
  if (await has()) return;
  const label = AGENT_LABELS[agent];
  const answer = await vscode.window.showWarningMessage(
    `${label} needs a model API key (${provider}), and none is set.`,
    { modal: true, detail: 'The run\'s model proxy adds the key to each model call; the agent in the container never sees it. Set one with "Shopfloor: Set Model API Key" or the provider\'s environment variable.' },
    'Set Model API Key',
    'Start Anyway',
  );
  if (answer === 'Start Anyway') return;
  if (answer === 'Set Model API Key') {
    await vscode.commands.executeCommand('shopfloor.setModelApiKey');
    if (await has()) return;
  }
  throw new RunRefusedError(`${label} has no model API key; the run was not started`);
}
