import * as vscode from 'vscode';
import { MODEL_PROVIDERS, type ModelProvider } from '../contracts';
import { upstreamsFrom, type ModelKeys, type ModelUpstreams } from '../adapters/model-proxy/keys';
import type { HostContext } from './context';

/** The SecretStorage name of a provider's model API key. */
export function secretName(provider: ModelProvider): string {
  return `shopfloor.model.${provider}.apiKey`;
}

const LABELS: Record<ModelProvider, string> = { anthropic: 'Anthropic (Claude Code)', openai: 'OpenAI (Codex)', gemini: 'Google Gemini (Gemini CLI)' };

/**
 * The model API keys the editor's runs give the model proxy: SecretStorage first, then the
 * host environment of the extension host (ANTHROPIC_API_KEY and the like, keys.ts).
 * Reads secrets; the keys go only to the host-side proxy.
 */
export async function readModelKeys(secrets: vscode.SecretStorage, fromEnv: ModelKeys): Promise<ModelKeys> {
  const keys: ModelKeys = { ...fromEnv };
  for (const p of MODEL_PROVIDERS) {
    const v = await secrets.get(secretName(p));
    if (v) keys[p] = v;
  }
  return keys;
}

/**
 * Upstream base URLs from the `shopfloor.model.<provider>.baseUrl` settings. They are
 * machine-scoped (package.json), so a workspace's settings cannot send the keys elsewhere;
 * the user's value is read even so, never a workspace's.
 */
export function readModelUpstreams(): ModelUpstreams {
  const overrides: Partial<ModelUpstreams> = {};
  for (const p of MODEL_PROVIDERS) {
    const v = vscode.workspace.getConfiguration('shopfloor').inspect<string>(`model.${p}.baseUrl`)?.globalValue;
    if (v) overrides[p] = v;
  }
  return upstreamsFrom(process.env, overrides);
}

/**
 * "Shopfloor: Set Model API Key": pick a provider, type the key into a password box; it
 * goes to SecretStorage (the OS keychain). An empty entry removes the stored key. The key
 * is never logged; the log says only which provider's key was stored or removed.
 */
export function registerSetModelApiKey(ctx: HostContext): vscode.Disposable {
  return vscode.commands.registerCommand('shopfloor.setModelApiKey', async () => {
    const pick = await vscode.window.showQuickPick(
      MODEL_PROVIDERS.map((p) => ({ label: LABELS[p], provider: p })),
      { title: 'Shopfloor: Set Model API Key', placeHolder: 'Provider whose key the model proxy adds to agent calls' },
    );
    if (!pick) return;
    const key = await vscode.window.showInputBox({
      title: `${pick.label} API key`,
      prompt: 'Stored in the OS keychain (VS Code SecretStorage). It stays on this machine: agents in containers get a placeholder. Leave empty to remove the stored key.',
      password: true,
      ignoreFocusOut: true,
    });
    if (key === undefined) return;
    const name = secretName(pick.provider);
    if (key.trim()) {
      await ctx.extension.secrets.store(name, key.trim());
      ctx.log.info(`model API key for ${pick.provider} stored`);
    } else {
      await ctx.extension.secrets.delete(name);
      ctx.log.info(`model API key for ${pick.provider} removed`);
    }
  });
}
