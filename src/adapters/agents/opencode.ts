import type { AgentResult, AgentRunner, AgentTask } from '../../core/run/ports';
import { protocolEnv } from './jsonl-agent';
import { OpenCodeEventParser } from './opencode-events';
import { mergeStderr, runStreamAgent } from './stream-agent';

/** How the OpenCode adapter reaches the CLI and the model. */
export interface OpenCodeOptions {
  /** Model as OpenCode names it, `provider/model`, e.g. `openai/gpt-5`. */
  model: string;
  /** argv prefix that starts the CLI inside the station; default `['opencode']`. */
  command?: readonly string[];
  /**
   * Base URL of the provider's API as the station sees it and the variable holding its
   * placeholder key. Defaults: task.modelAccess.env.OPENAI_BASE_URL and `OPENAI_API_KEY`
   * (for an `openai/…` model).
   */
  provider?: { baseUrl?: string; envKey?: string };
}

/**
 * Runs OpenCode (`opencode-ai`) in the station environment:
 * `opencode run --format json -m PROVIDER/MODEL --auto [--session SESSION] -- PROMPT` in the
 * workspace. The provider's base URL and key reach it through OPENCODE_CONFIG_CONTENT
 * (`provider.<id>.options.baseURL`, `apiKey: {env:VAR}`, no autoupdate, no sharing), so no
 * file is written; models are not fetched from models.dev (the station has no network for
 * it). `--auto` approves tool permissions because nobody can answer them: the station
 * container is the sandbox. XDG folders live under the station's HOME (a writable tmpfs).
 */
export class OpenCodeAgentRunner implements AgentRunner {
  constructor(private readonly opts: OpenCodeOptions) {}

  async run(task: AgentTask): Promise<AgentResult> {
    const command = this.opts.command ?? ['opencode'];
    const providerId = this.opts.model.includes('/') ? this.opts.model.slice(0, this.opts.model.indexOf('/')) : 'openai';
    const access = task.modelAccess?.env ?? {};
    const baseUrl = this.opts.provider?.baseUrl ?? access.OPENAI_BASE_URL;
    const envKey = this.opts.provider?.envKey ?? 'OPENAI_API_KEY';
    // The run's MCP gateway is OpenCode's only MCP server (`mcp.<name>` of type `remote`,
    // its token in a header); the station's HOME holds no user configuration to add others.
    const gateway = task.toolAccess?.server;
    const mcp = gateway ? { mcp: { [gateway.name]: { type: 'remote', url: gateway.url, headers: gateway.headers, enabled: true } } } : {};
    const config = { autoupdate: false, share: 'disabled', ...(baseUrl ? { provider: { [providerId]: { options: { baseURL: baseUrl, apiKey: `{env:${envKey}}` } } } } : {}), ...mcp };
    const prompt = task.prompt?.text ?? (task.station.kind === 'agent' ? (task.station.prompt ?? '') : '');
    const env: Record<string, string> = { ...protocolEnv(task), OPENCODE_CONFIG_CONTENT: JSON.stringify(config), OPENCODE_DISABLE_MODELS_FETCH: '1', OPENCODE_DISABLE_AUTOUPDATE: '1' };
    const v = await task.environment.exec(mergeStderr([...command, '--version']), { env, timeoutMs: 30_000, signal: task.signal }).catch(() => undefined);
    const m = v?.exitCode === 0 ? /^\s*(\d+\.\d+\.\d+\S*)\s*$/m.exec(v.output) : null;
    return runStreamAgent({ task, argv: opencodeArgv({ command, model: this.opts.model, prompt, session: task.session }), env, parser: new OpenCodeEventParser(this.opts.model), agent: 'opencode', version: m ? `opencode-ai@${m[1]}` : undefined });
  }
}

/** The argv of one OpenCode station run, exported for tests. */
export function opencodeArgv(o: { command: readonly string[]; model: string; prompt: string; session?: string }): string[] {
  return mergeStderr([...o.command, 'run', '--format', 'json', '-m', o.model, '--auto', ...(o.session ? ['--session', o.session] : []), '--', o.prompt]);
}
